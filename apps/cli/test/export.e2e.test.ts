// End-to-end: `mlisp export` writes files that TensorFlow.js loads with our
// outputs, and network2.py's JSON.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBundledSync } from '@mlisp/mnist/node';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelJson } from '../src/model-json.js';
import { assertBuilt, run } from './cli-runner.js';
import { naiveFeedforward, randomModel } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mlisp-export-'));
const test = loadBundledSync().test;
const SAMPLES = 20;

async function loadTfjs(folder: string): Promise<tf.LayersModel> {
  const modelJson = JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8'));
  const bin = readFileSync(join(folder, modelJson.weightsManifest[0].paths[0]));
  const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: modelJson.modelTopology,
      weightSpecs: modelJson.weightsManifest[0].weights,
      weightData,
    }),
  );
}

async function trainModel(name: string, args: string[]): Promise<string> {
  const file = join(dir, name);
  const result = await run([
    'train',
    '--train',
    '300',
    '--test',
    '50',
    '--epochs',
    '1',
    ...args,
    '--out',
    file,
    '--json',
  ]);
  expect(result.code, result.stderr).toBe(0);
  return file;
}

beforeAll(() => assertBuilt());

describe('mlisp export --format tfjs', () => {
  const cases: [string, string[]][] = [
    ['sigmoid', ['--sizes', '784,20,10']],
    [
      'relu + softmax',
      [
        '--sizes',
        '784,20,10',
        '--activation',
        'relu',
        '--output',
        'softmax',
        '--cost',
        'log-likelihood',
        '--eta',
        '0.1',
      ],
    ],
    [
      'leaky-relu, two hidden layers',
      ['--sizes', '784,16,12,10', '--activation', 'leaky-relu', '--eta', '0.1'],
    ],
  ];
  it.each(cases)('%s: TensorFlow.js gives our outputs within 1e-5', async (name, args) => {
    const file = await trainModel(`${name.replace(/\W+/g, '-')}.json`, args);
    const out = join(dir, `${name.replace(/\W+/g, '-')}-tfjs`);
    const result = await run(['export', file, '--format', 'tfjs', '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('model.json');
    expect(existsSync(join(out, 'weights.bin'))).toBe(true);
    const json = JSON.parse(readFileSync(file, 'utf8')) as ModelJson;
    const loaded = await loadTfjs(out);
    const input = tf.tensor2d(Array.from(test.images.data.subarray(0, SAMPLES * 784)), [
      SAMPLES,
      784,
    ]);
    const got = (await (loaded.predict(input) as tf.Tensor).array()) as number[][];
    for (let i = 0; i < SAMPLES; i++) {
      const want = naiveFeedforward(
        json,
        Array.from(test.images.data.subarray(i * 784, (i + 1) * 784)),
      );
      want.forEach((v, j) => {
        expect(Math.abs((got[i]?.[j] as number) - v)).toBeLessThan(1e-5);
      });
    }
    loaded.dispose();
  });

  it('refuses a step network with a clear error (exit 1)', async () => {
    const file = join(dir, 'step.json');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, JSON.stringify(randomModel([784, 3, 10], ['step', 'sigmoid'])));
    const result = await run(['export', file, '--format', 'tfjs', '--out', join(dir, 'step-tfjs')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("layer 1 uses the 'step' activation");
  });
});

describe('mlisp export --format network2', () => {
  it("writes network2.py's save() JSON: sizes, weights, column-vector biases, cost class", async () => {
    const file = await trainModel('n2.json', ['--sizes', '784,10,10', '--cost', 'quadratic']);
    const out = join(dir, 'n2-export.json');
    const result = await run(['export', file, '--format', 'network2', '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    const ours = JSON.parse(readFileSync(file, 'utf8')) as ModelJson;
    const theirs = JSON.parse(readFileSync(out, 'utf8'));
    expect(Object.keys(theirs).sort()).toEqual(['biases', 'cost', 'sizes', 'weights']);
    expect(theirs.sizes).toEqual([784, 10, 10]);
    expect(theirs.cost).toBe('QuadraticCost');
    expect(theirs.weights).toEqual(ours.weights);
    expect(theirs.biases).toEqual(ours.biases.map((b) => b.map((v) => [v])));
  });

  it('refuses what network2.py cannot represent', async () => {
    const file = await trainModel('ll.json', ['--cost', 'log-likelihood', '--eta', '0.1']);
    const result = await run([
      'export',
      file,
      '--format',
      'network2',
      '--out',
      join(dir, 'x.json'),
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('network2.py uses sigmoid neurons only');
  });
});
