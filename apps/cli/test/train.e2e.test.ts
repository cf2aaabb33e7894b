// End-to-end: the built CLI trains a small network, then eval, predict (index
// and PNG) and both exports work on the model it saved.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBundledSync } from '@mlisp/mnist/node';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelJson } from '../src/model-json.js';
import { assertBuilt, jsonLines, run } from './cli-runner.js';
import { naiveFeedforward } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mlisp-e2e-'));
const model = join(dir, 'net.json');
const SMALL = ['--train', '600', '--test', '200', '--epochs', '2', '--sizes', '784,16,10'];

function argmax(values: readonly number[]): number {
  return values.reduce((best, v, i) => (v > (values[best] as number) ? i : best), 0);
}

let lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  assertBuilt();
  const result = await run(['train', ...SMALL, '--json', '--out', model]);
  expect(result.code, result.stderr).toBe(0);
  lines = jsonLines(result.stdout);
});

describe('mlisp train --json', () => {
  it('prints one epoch object per epoch and a done object, nothing else', () => {
    expect(lines.map((l) => l.event)).toEqual(['epoch', 'epoch', 'done']);
    lines.slice(0, 2).forEach((line, i) => {
      expect(Object.keys(line).sort()).toEqual(
        ['batchCost', 'epoch', 'eta', 'event', 'seconds', 'testAccuracy', 'testCost'].sort(),
      );
      expect(line.epoch).toBe(i + 1);
      expect(line.eta).toBe(0.5);
      for (const key of ['batchCost', 'testCost', 'seconds']) {
        expect(typeof line[key]).toBe('number');
        expect(line[key] as number).toBeGreaterThanOrEqual(0);
      }
      expect(line.testAccuracy as number).toBeGreaterThan(0.5);
      expect(line.testAccuracy as number).toBeLessThanOrEqual(1);
    });
    const done = lines[2] as Record<string, unknown>;
    expect(done).toMatchObject({ event: 'done', epochs: 2, model });
    expect(done.testAccuracy).toBe(lines[1]?.testAccuracy);
    expect(done.seconds as number).toBeGreaterThan(0);
  });

  it('trains with fused multiply-adds: relaxed SIMD, which it turns on where Node 20 has it behind a flag', () => {
    expect(lines[2]).toMatchObject({ event: 'done', engine: 'wasm-relaxed' });
  });

  it('saves the model file in the mlisp-network format', () => {
    const json = JSON.parse(readFileSync(model, 'utf8')) as ModelJson;
    expect(json).toMatchObject({
      format: 'mlisp-network',
      version: 1,
      sizes: [784, 16, 10],
      activations: ['sigmoid', 'sigmoid'],
      cost: 'cross-entropy',
    });
    expect(json.weights[0]).toHaveLength(16);
    expect(json.weights[0]?.[0]).toHaveLength(784);
  });

  it('without --json prints the epoch table and a summary with drawn digits and bit codes', async () => {
    const result = await run(['train', ...SMALL, '--epochs', '1']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('600 training and 200 test digits');
    expect(result.stdout).toMatch(/epoch\s+batch cost\s+test cost\*\s+test acc/);
    expect(result.stdout).toContain('* with the regularisation term (L2: (λ/2n)·Σw²');
    expect(result.stdout).toMatch(
      /\n\s+1\/1\s+\d+\.\d{4}\s+\d+\.\d{4}\s+\d+\.\d\d%\s+0\.5\s+\d+\.\ds\n/,
    );
    expect(result.stdout).toMatch(/done: 1 epoch in .*test accuracy \d+\.\d\d% \(\d+\/200\)/);
    expect(result.stdout).toMatch(/#0 {2}label \d/);
    expect(result.stdout).toMatch(/answer \d [✓✗] {2}bits [01]{4}/);
    expect(result.stdout).toMatch(/[█▀▄]/);
    expect(result.stdout).not.toContain('\u001b['); // no colours off a terminal
  });
});

describe('mlisp train failures', () => {
  it('exits with 1 and says where when training diverges', async () => {
    const result = await run([
      'train',
      ...['--train', '200', '--test', '50', '--epochs', '2'],
      ...['--eta', '1e6', '--activation', 'linear', '--cost', 'quadratic'],
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/NaN or infinite in epoch \d+, mini-batch \d+/);
    expect(result.stderr).toContain('try a smaller --eta (now 1000000)');
  });
});

describe('mlisp eval', () => {
  it('--json gives accuracy, correct, total, cost and a 10x10 confusion matrix', async () => {
    const result = await run(['eval', model, '--test', '200', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const [e, ...rest] = jsonLines(result.stdout);
    expect(rest).toEqual([]);
    expect(Object.keys(e ?? {}).sort()).toEqual([
      'accuracy',
      'confusion',
      'correct',
      'cost',
      'total',
    ]);
    expect(e?.total).toBe(200);
    const confusion = e?.confusion as number[][];
    expect(confusion).toHaveLength(10);
    expect(confusion.flat().reduce((s, n) => s + n, 0)).toBe(200);
    const diagonal = confusion.reduce((s, row, i) => s + (row[i] as number), 0);
    expect(e?.correct).toBe(diagonal);
    expect(e?.accuracy).toBe(diagonal / 200);
    // The same accuracy as training reported for these 200 test digits.
    expect(e?.accuracy).toBe(lines[2]?.testAccuracy);
  });

  it('prints the accuracy and the confusion matrix', async () => {
    const result = await run(['eval', model, '--test', '200']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/accuracy \d+\.\d\d% \(\d+\/200\)/);
    expect(result.stdout).toContain('predicted');
  });
});

describe('mlisp predict', () => {
  const test = loadBundledSync().test;
  const pixels = (i: number) => Array.from(test.images.data.subarray(i * 784, (i + 1) * 784));

  it('--index --json gives the outputs of the model, its prediction and the bit code', async () => {
    const result = await run(['predict', model, '--index', '3', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const [p, ...rest] = jsonLines(result.stdout);
    expect(rest).toEqual([]);
    const json = JSON.parse(readFileSync(model, 'utf8')) as ModelJson;
    const want = naiveFeedforward(json, pixels(3));
    expect(p?.index).toBe(3);
    expect(p?.label).toBe(test.labels[3]);
    const outputs = p?.outputs as number[];
    outputs.forEach((v, j) => {
      expect(v).toBeCloseTo(want[j] as number, 12);
    });
    expect(p?.prediction).toBe(argmax(want));
    expect(p?.binary).toMatch(/^[01]{4}$/);
  });

  it('draws the digit and names the prediction and the bits', async () => {
    const result = await run(['predict', model, '--index', '0']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('test digit #0');
    expect(result.stdout).toMatch(/┌─{56}┐/);
    expect(result.stdout).toMatch(/label \d, prediction \d [✓✗], bits [01]{4}/);
  });

  it('--image reads a PNG of any size, dark on light, as the same digit', async () => {
    // Test digit 3 scaled up 3x to 84x84, dark ink on white paper, as RGBA.
    const png = new PNG({ width: 84, height: 84 });
    const px = pixels(3);
    for (let y = 0; y < 84; y++) {
      for (let x = 0; x < 84; x++) {
        const v = Math.round(
          255 * (1 - (px[Math.floor(y / 3) * 28 + Math.floor(x / 3)] as number)),
        );
        png.data.set([v, v, v, 255], 4 * (y * 84 + x));
      }
    }
    const file = join(dir, 'digit.png');
    writeFileSync(file, PNG.sync.write(png));
    const byImage = jsonLines((await run(['predict', model, '--image', file, '--json'])).stdout)[0];
    const byIndex = jsonLines((await run(['predict', model, '--index', '3', '--json'])).stdout)[0];
    expect(byImage?.index).toBeNull();
    expect(byImage?.label).toBeNull();
    expect(byImage?.prediction).toBe(byIndex?.prediction);
    expect(byImage?.outputs).toHaveLength(10);
  });

  it('refuses a file that is not a PNG or JPEG', async () => {
    const result = await run(['predict', model, '--image', model]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is not a PNG or JPEG file');
  });
});
