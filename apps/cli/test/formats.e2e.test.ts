// End-to-end: an ONNX export scored by ONNX Runtime (onnxruntime-node) gives
// the same predictions as `mlisp eval` on the test split; a model saved by
// network2.py's own save() is read and scored as numpy scored it; eval and
// predict take a checkpoint; train --init takes network2.py JSON.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBundledSync } from '@mlisp/mnist/node';
import { confusionMatrix } from '@mlisp/neurons';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, ROOT, run } from './cli-runner.js';

const dir = mkdtempSync(join(tmpdir(), 'mlisp-formats-'));
const { test } = loadBundledSync();
const NETWORK2 = join(ROOT, 'packages/formats/fixtures/network2-mnist.json');
const NUMPY = JSON.parse(
  readFileSync(join(ROOT, 'packages/formats/fixtures/network2-mnist.predictions.json'), 'utf8'),
) as { correct: number; total: number; predictions: number[] };

interface EvalJson {
  accuracy: number;
  correct: number;
  total: number;
  confusion: number[][];
}

async function evalJson(model: string): Promise<EvalJson> {
  const result = await run(['eval', model, '--json']);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as EvalJson;
}

/** The class ONNX Runtime gives each test digit. */
async function onnxPredictions(file: string): Promise<number[]> {
  const session = await ort.InferenceSession.create(file);
  const input = new ort.Tensor('float32', Float32Array.from(test.images.data), [test.size, 784]);
  const output = (await session.run({ input })).output as ort.Tensor;
  const data = output.data as Float32Array;
  return Array.from({ length: test.size }, (_, i) => {
    const row = data.subarray(i * 10, (i + 1) * 10);
    return row.indexOf(Math.max(...row));
  });
}

async function exportOnnx(model: string, name: string): Promise<string> {
  const out = join(dir, name);
  const result = await run(['export', model, '--format', 'onnx', '--out', out]);
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout).toContain(`wrote ${out} (`);
  return out;
}

beforeAll(() => assertBuilt());

describe('mlisp export --format onnx, scored by onnxruntime-node', () => {
  it('network2.py sigmoid model: the same predictions as mlisp eval on all 2004 test digits', async () => {
    const onnx = await exportOnnx(NETWORK2, 'network2.onnx');
    const predicted = await onnxPredictions(onnx);
    const e = await evalJson(NETWORK2);
    expect(e.total).toBe(test.size);
    expect(confusionMatrix(predicted, test.labels, 10)).toEqual(e.confusion);
    expect(predicted).toEqual(NUMPY.predictions);
  });

  it('relu + softmax model trained by mlisp: the same predictions as mlisp eval', async () => {
    const model = join(dir, 'relu.json');
    const trained = await run([
      'train',
      ...['--train', '2000', '--test', '100', '--epochs', '2', '--sizes', '784,30,10'],
      ...['--activation', 'relu', '--output', 'softmax', '--cost', 'log-likelihood'],
      ...['--eta', '0.1', '--out', model, '--json'],
    ]);
    expect(trained.code, trained.stderr).toBe(0);
    const predicted = await onnxPredictions(await exportOnnx(model, 'relu.onnx'));
    const e = await evalJson(model);
    const confusion = confusionMatrix(predicted, test.labels, 10);
    expect(confusion).toEqual(e.confusion);
    expect(e.accuracy).toBeGreaterThan(0.8);
  });
});

describe('network2.py JSON and checkpoints as MODEL', () => {
  it('mlisp eval scores the network2.py fixture exactly as numpy did', async () => {
    const e = await evalJson(NETWORK2);
    expect(e.correct).toBe(NUMPY.correct);
    expect(e.total).toBe(NUMPY.total);
  });

  it('mlisp predict reads network2.py JSON', async () => {
    const result = await run(['predict', NETWORK2, '--index', '3', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).prediction).toBe(NUMPY.predictions[3]);
  });

  it('mlisp train --init starts from network2.py weights', async () => {
    const out = join(dir, 'from-n2.json');
    const result = await run([
      'train',
      ...['--init', NETWORK2, '--train', '500', '--test', '100', '--epochs', '1'],
      ...['--out', out, '--json'],
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).sizes).toEqual([784, 30, 10]);
  });

  it('eval and predict take a checkpoint, scoring the model it holds', async () => {
    const ckpt = join(dir, 'run.ckpt.json');
    const model = join(dir, 'run.json');
    const trained = await run([
      'train',
      ...['--train', '500', '--test', '100', '--epochs', '1', '--sizes', '784,10,10'],
      ...['--checkpoint', ckpt, '--out', model, '--json'],
    ]);
    expect(trained.code, trained.stderr).toBe(0);
    expect(await evalJson(ckpt)).toEqual(await evalJson(model));
    const p = await run(['predict', ckpt, '--index', '0', '--json']);
    const q = await run(['predict', model, '--index', '0', '--json']);
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout).toBe(q.stdout);
  });

  it('anything else is refused with what was expected (exit 2)', async () => {
    const bad = join(dir, 'keras.json');
    writeFileSync(bad, JSON.stringify({ class_name: 'Sequential', config: {} }));
    for (const command of [
      ['eval', bad],
      ['predict', bad, '--index', '0'],
      ['export', bad, '--format', 'onnx', '--out', join(dir, 'x.onnx')],
    ]) {
      const result = await run(command);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        'expected an mlisp-network model file ("format": "mlisp-network"), an mlisp-checkpoint, or network2.py JSON',
      );
    }
    const broken = join(dir, 'broken-n2.json');
    const n2 = JSON.parse(readFileSync(NETWORK2, 'utf8'));
    writeFileSync(broken, JSON.stringify({ ...n2, cost: 'LogLikelihoodCost' }));
    const result = await run(['eval', broken]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'network2.py JSON: cost must be QuadraticCost or CrossEntropyCost',
    );
  });
});
