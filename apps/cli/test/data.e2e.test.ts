// End-to-end: `mlisp data export` writes the bundled split as IDX files, and
// training on them reaches the accuracy of training on the bundled digits.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { loadBundledSync } from '@mlisp/mnist/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, jsonLines, run } from './cli-runner.js';

const dir = mkdtempSync(join(tmpdir(), 'mlisp-data-'));
const bundled = loadBundledSync();

beforeAll(() => assertBuilt());

describe('mlisp data export', () => {
  it('writes the four IDX files with pixels as round(255·v)', async () => {
    const out = join(dir, 'plain');
    const result = await run(['data', 'export', '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('7996 training and 2004 test digits');
    expect(readdirSync(out).sort()).toEqual([
      't10k-images-idx3-ubyte',
      't10k-labels-idx1-ubyte',
      'train-images-idx3-ubyte',
      'train-labels-idx1-ubyte',
    ]);
    const images = readFileSync(join(out, 't10k-images-idx3-ubyte'));
    const view = new DataView(images.buffer, images.byteOffset);
    expect([view.getUint32(0), view.getUint32(4), view.getUint32(8), view.getUint32(12)]).toEqual([
      0x803, 2004, 28, 28,
    ]);
    for (const i of [0, 100, 500, 783, 2004 * 784 - 1]) {
      expect(images[16 + i]).toBe(Math.round(255 * (bundled.test.images.data[i] as number)));
    }
    const labels = readFileSync(join(out, 'train-labels-idx1-ubyte'));
    expect(labels.readUInt32BE(0)).toBe(0x801);
    expect(Array.from(labels.subarray(8, 20))).toEqual(
      Array.from(bundled.train.labels.subarray(0, 12)),
    );
  });

  it('--gzip writes .gz files', async () => {
    const out = join(dir, 'gz');
    const result = await run(['data', 'export', '--out', out, '--gzip']);
    expect(result.code, result.stderr).toBe(0);
    expect(readdirSync(out).every((f) => f.endsWith('.gz'))).toBe(true);
    const labels = gunzipSync(readFileSync(join(out, 't10k-labels-idx1-ubyte.gz')));
    expect(labels.readUInt32BE(4)).toBe(2004);
  });

  it('training on --data DIR reaches the bundled accuracy within 1 point (same seed and flags)', async () => {
    const flags = [
      '--train',
      '1500',
      '--test',
      '500',
      '--epochs',
      '2',
      '--sizes',
      '784,20,10',
      '--json',
    ];
    const onBundled = await run(['train', ...flags]);
    const onFiles = await run(['train', ...flags, '--data', join(dir, 'gz')]);
    expect(onBundled.code, onBundled.stderr).toBe(0);
    expect(onFiles.code, onFiles.stderr).toBe(0);
    const a = jsonLines(onBundled.stdout).at(-1)?.testAccuracy as number;
    const b = jsonLines(onFiles.stdout).at(-1)?.testAccuracy as number;
    expect(a).toBeGreaterThan(0.7);
    expect(Math.abs(a - b)).toBeLessThanOrEqual(0.01);
  });
});
