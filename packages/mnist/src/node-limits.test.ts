// readMnistFolder's `dtype` and `train`/`test` limits: float32 pixels equal
// float64 ones rounded, and a limited read returns exactly the first rows while
// reading no further into the files than those rows (a file damaged after them
// still reads).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type Dataset, IdxFormatError, type MnistSplit, subset } from '@mlisp/mnist';
import { loadBundledSync, MNIST_FILES, readMnistFolder, writeMnistFolder } from '@mlisp/mnist/node';
import { fromTypedArray, Rng } from '@mlisp/tensor';
import { afterAll, describe, expect, it } from 'vitest';

const root = mkdtempSync(join(tmpdir(), 'mlisp-mnist-limits-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirCount = 0;
const freshDir = () => join(root, `d${dirCount++}`);

function randomDataset(n: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const data = Float64Array.from({ length: n * 784 }, () => rng.int(256) / 255);
  const labels = Uint8Array.from({ length: n }, () => rng.int(10));
  return { images: fromTypedArray(data, n, 784), labels, size: n };
}
const sample: MnistSplit = { train: randomDataset(40, 3), test: randomDataset(12, 4) };

function same(a: Dataset<Float64Array | Float32Array>, b: Dataset<Float64Array | Float32Array>) {
  expect(a.size).toBe(b.size);
  expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
  expect(Array.from(a.images.data)).toEqual(Array.from(b.images.data));
}

describe('readMnistFolder dtype', () => {
  it('float32 pixels are the float64 ones rounded to float32', async () => {
    const dir = freshDir();
    await writeMnistFolder(dir, sample);
    const f64 = await readMnistFolder(dir);
    const f32 = await readMnistFolder(dir, { dtype: 'float32' });
    expect(f64.train.images.data).toBeInstanceOf(Float64Array);
    expect(f32.train.images.data).toBeInstanceOf(Float32Array);
    expect(f32.test.images.data).toBeInstanceOf(Float32Array);
    expect(Array.from(f32.train.images.data)).toEqual(
      Array.from(f64.train.images.data, (v) => Math.fround(v)),
    );
    expect(Array.from(f32.train.labels)).toEqual(Array.from(f64.train.labels));
  });

  it('the bundled digits in float32 are the float64 values rounded', () => {
    const f64 = loadBundledSync();
    const f32 = loadBundledSync({ dtype: 'float32' });
    expect(f32.train.images.data).toBeInstanceOf(Float32Array);
    expect(f32.train.size).toBe(f64.train.size);
    const n = 784 * 50;
    expect(Array.from(f32.test.images.data.subarray(0, n))).toEqual(
      Array.from(f64.test.images.data.subarray(0, n), (v) => Math.fround(v)),
    );
  });

  it('refuses an unknown dtype and bad limits with a TypeError', async () => {
    const dir = freshDir();
    await writeMnistFolder(dir, sample);
    await expect(readMnistFolder(dir, { dtype: 'int8' as 'float32' })).rejects.toThrow(
      "dtype must be 'float64' or 'float32', got int8",
    );
    await expect(readMnistFolder(dir, { train: -1 })).rejects.toThrow(
      'train must be an integer >= 0, got -1',
    );
    await expect(readMnistFolder(dir, { test: 1.5 })).rejects.toThrow(
      'test must be an integer >= 0, got 1.5',
    );
  });
});

describe('readMnistFolder train/test limits', () => {
  for (const gzip of [false, true]) {
    it(`returns exactly the first rows (${gzip ? 'gzip' : 'plain'}), all when asked for more`, async () => {
      const dir = freshDir();
      await writeMnistFolder(dir, sample, { gzip });
      const some = await readMnistFolder(dir, { train: 9, test: 5 });
      same(some.train, subset(sample.train, 9));
      same(some.test, subset(sample.test, 5));
      const more = await readMnistFolder(dir, { train: 1000, dtype: 'float32' });
      expect(more.train.size).toBe(40);
      expect(more.test.size).toBe(12);
      const none = await readMnistFolder(dir, { train: 0 });
      expect(none.train.size).toBe(0);
    });
  }

  it('reads no further into a plain file than the rows asked for', async () => {
    const dir = freshDir();
    await writeMnistFolder(dir, sample);
    const path = join(dir, MNIST_FILES.trainImages);
    // Cut the file in the middle of image 21: a full read is truncated data.
    writeFileSync(path, readFileSync(path).subarray(0, 16 + 20 * 784 + 100));
    await expect(readMnistFolder(dir)).rejects.toThrow(/truncated IDX data/);
    const some = await readMnistFolder(dir, { train: 20 });
    same(some.train, subset(sample.train, 20));
    // Asking for rows past the cut reports the truncation.
    const error = await readMnistFolder(dir, { train: 21 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdxFormatError);
  });

  it('decompresses a .gz file no further than the rows asked for', async () => {
    const dir = freshDir();
    mkdirSync(dir, { recursive: true });
    await writeMnistFolder(dir, sample);
    // Compress the images without their last 10 images' worth of compressed
    // stream: the gzip data ends early, which only a full read reaches.
    const plain = join(dir, MNIST_FILES.trainImages);
    const gz = gzipSync(readFileSync(plain), { level: 0 });
    rmSync(plain);
    writeFileSync(`${plain}.gz`, gz.subarray(0, 16 + 25 * 784 + 64));
    await expect(readMnistFolder(dir)).rejects.toBeInstanceOf(IdxFormatError);
    const some = await readMnistFolder(dir, { train: 20, dtype: 'float32' });
    expect(some.train.size).toBe(20);
    expect(Array.from(some.train.images.data)).toEqual(
      Array.from(subset(sample.train, 20).images.data, (v) => Math.fround(v)),
    );
  });
});
