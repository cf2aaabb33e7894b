import {
  assertDataset,
  type Dataset,
  datasetFromIdx,
  datasetToIdx,
  encodeIdx,
  IdxFormatError,
  oneHotTargets,
  subset,
} from '@mlisp/mnist';
import { fromTypedArray, type Matrix, Rng } from '@mlisp/tensor';
import { describe, expect, it } from 'vitest';

/** A random dataset whose pixels are multiples of 1/255 (exact through IDX). */
function randomDataset(n: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const data = Float64Array.from({ length: n * 784 }, () => rng.int(256) / 255);
  const labels = Uint8Array.from({ length: n }, () => rng.int(10));
  return { images: fromTypedArray(data, n, 784), labels, size: n };
}

const imagesIdx = (n: number, h = 28, w = 28, fill = 0) =>
  encodeIdx({ type: 'uint8', dims: [n, h, w], data: new Uint8Array(n * h * w).fill(fill) });
const labelsIdx = (labels: number[]) =>
  encodeIdx({ type: 'uint8', dims: [labels.length], data: Uint8Array.from(labels) });

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

describe('datasetFromIdx / datasetToIdx', () => {
  it('reads pixels as byte / 255 into a float64 n x 784 matrix', () => {
    const bytes = Uint8Array.from({ length: 2 * 784 }, (_, i) => i % 256);
    const ds = datasetFromIdx(
      encodeIdx({ type: 'uint8', dims: [2, 28, 28], data: bytes }),
      labelsIdx([3, 9]),
    );
    expect(ds.size).toBe(2);
    expect(ds.images.rows).toBe(2);
    expect(ds.images.cols).toBe(784);
    expect(ds.images.data).toBeInstanceOf(Float64Array);
    expect(Array.from(ds.labels)).toEqual([3, 9]);
    for (let i = 0; i < bytes.length; i++)
      expect(ds.images.data[i]).toBe((bytes[i] as number) / 255);
  });

  it('round-trips a dataset exactly (pixels k/255)', () => {
    const ds = randomDataset(5, 1);
    const files = datasetToIdx(ds);
    expect(Array.from(files.images.subarray(0, 16))).toEqual([
      0, 0, 8, 3, 0, 0, 0, 5, 0, 0, 0, 28, 0, 0, 0, 28,
    ]);
    expect(Array.from(files.labels.subarray(0, 8))).toEqual([0, 0, 8, 1, 0, 0, 0, 5]);
    const back = datasetFromIdx(files.images, files.labels);
    expect(back.images.data).toEqual(ds.images.data);
    expect(back.labels).toEqual(ds.labels);
  });

  it('stores round(255 v) for pixels between byte levels', () => {
    const ds: Dataset = {
      images: fromTypedArray(new Float64Array(784).fill(0.5), 1, 784),
      labels: Uint8Array.from([0]),
      size: 1,
    };
    expect(datasetToIdx(ds).images[16]).toBe(128);
  });

  it('names the file for images that are not 28x28 or not uint8', () => {
    const e = thrown(() =>
      datasetFromIdx(imagesIdx(1, 20, 20), labelsIdx([1]), { images: 'a', labels: 'b' }),
    );
    expect(e).toBeInstanceOf(IdxFormatError);
    expect(e.message).toBe('a: images are 20x20 pixels, but MNIST images are 28x28');
    expect((e as IdxFormatError).file).toBe('a');
    const f = encodeIdx({ type: 'float32', dims: [1, 28, 28], data: new Float32Array(784) });
    expect(() => datasetFromIdx(f, labelsIdx([1]))).toThrow(
      /^images: expected MNIST images \(uint8, 3 dimensions n x 28 x 28\), got float32 with dims 1x28x28$/,
    );
  });

  it('rejects labels files of the wrong shape, count mismatches and labels out of range', () => {
    expect(() => datasetFromIdx(imagesIdx(1), imagesIdx(1), { labels: 'l' })).toThrow(
      /^l: expected MNIST labels \(uint8, 1 dimension\), got uint8 with dims 1x28x28$/,
    );
    const e = thrown(() =>
      datasetFromIdx(imagesIdx(3), labelsIdx([1, 2]), { images: 'i', labels: 'l' }),
    );
    expect(e).toBeInstanceOf(IdxFormatError);
    expect(e.message).toBe('i: image/label count mismatch: 3 images in i but 2 labels in l');
    const g = thrown(() => datasetFromIdx(imagesIdx(2), labelsIdx([1, 10]), { labels: 'l' }));
    expect(g).toBeInstanceOf(IdxFormatError);
    expect(g.message).toBe('l: label 10 at index 1 is outside 0..9');
  });

  it('rejects a forged 10^9-image header before allocating', () => {
    const forged = imagesIdx(1);
    new DataView(forged.buffer).setUint32(4, 1e9);
    expect(() => datasetFromIdx(forged, labelsIdx([1]))).toThrow(
      /expected 784000000016 bytes, got 800/,
    );
  });

  it('refuses to encode pixels outside [0, 1] or NaN', () => {
    const ds = randomDataset(2, 2);
    ds.images.data[784 + 5] = 1.5;
    expect(() => datasetToIdx(ds)).toThrow(
      new TypeError('dataset.images[1][5] must be a pixel in [0, 1], got 1.5'),
    );
    ds.images.data[784 + 5] = Number.NaN;
    expect(() => datasetToIdx(ds)).toThrow(/got NaN/);
  });
});

describe('assertDataset', () => {
  it('accepts a valid dataset and rejects malformed ones', () => {
    const ds = randomDataset(3, 3);
    expect(() => assertDataset(ds)).not.toThrow();
    expect(() => assertDataset(null as unknown as Dataset)).toThrow(/dataset must be a Dataset/);
    expect(() => assertDataset({ ...ds, size: 4 }, 'd')).toThrow(
      new RangeError(
        'd: images are 3x784 and there are 3 labels, but size is 4 and images must be 4x784',
      ),
    );
    const f32 = { rows: 3, cols: 784, data: new Float32Array(3 * 784) } as Matrix<Float32Array>;
    expect(() => assertDataset({ ...ds, images: f32 })).not.toThrow();
    const bytes = {
      rows: 3,
      cols: 784,
      data: new Uint8Array(3 * 784),
    } as unknown as Matrix<Float64Array>;
    expect(() => assertDataset({ ...ds, images: bytes })).toThrow(
      /images must be a float64 or float32 Matrix, got Uint8Array/,
    );
    expect(() => assertDataset({ ...ds, labels: [1, 2, 3] as unknown as Uint8Array })).toThrow(
      /labels must be a Uint8Array, got Array/,
    );
    expect(() => assertDataset({ ...ds, labels: Uint8Array.from([1, 11, 2]) })).toThrow(
      new TypeError('dataset.labels[1] must be in 0..9, got 11'),
    );
  });
});

describe('oneHotTargets', () => {
  it('puts a single 1 per row at the label', () => {
    const t = oneHotTargets(Uint8Array.from([0, 9, 3]));
    expect(t.rows).toBe(3);
    expect(t.cols).toBe(10);
    const naive = [0, 9, 3].flatMap((y) => Array.from({ length: 10 }, (_, j) => (j === y ? 1 : 0)));
    expect(Array.from(t.data)).toEqual(naive);
    expect(Array.from(oneHotTargets([1], 2).data)).toEqual([0, 1]);
    expect(oneHotTargets([]).rows).toBe(0);
  });

  it('rejects bad labels and class counts', () => {
    expect(() => oneHotTargets([1, 10])).toThrow(
      new TypeError('labels[1] must be an integer in [0, 10), got 10'),
    );
    expect(() => oneHotTargets([0.5])).toThrow(
      /labels\[0\] must be an integer in \[0, 10\), got 0.5/,
    );
    expect(() => oneHotTargets([0], 0)).toThrow(
      new TypeError('classes must be a positive integer, got 0'),
    );
    expect(() => oneHotTargets(5 as unknown as number[])).toThrow(
      /labels must be an array of class indices, got number/,
    );
  });
});

describe('subset', () => {
  it('returns the first n samples as views sharing storage', () => {
    const ds = randomDataset(6, 4);
    const s = subset(ds, 4);
    expect(s.size).toBe(4);
    expect(s.images.rows).toBe(4);
    expect(Array.from(s.labels)).toEqual(Array.from(ds.labels.subarray(0, 4)));
    expect(Array.from(s.images.data)).toEqual(Array.from(ds.images.data.subarray(0, 4 * 784)));
    s.images.data[0] = 0.25;
    expect(ds.images.data[0]).toBe(0.25);
    const tail = subset(ds, 2, 4);
    expect(Array.from(tail.labels)).toEqual(Array.from(ds.labels.subarray(4)));
    expect(tail.images.data[0]).toBe(ds.images.data[4 * 784]);
    expect(subset(ds, 0).size).toBe(0);
  });

  it('rejects counts outside the dataset', () => {
    const ds = randomDataset(3, 5);
    expect(() => subset(ds, 4)).toThrow(
      new RangeError('subset: samples 0..3 are outside a dataset of 3 samples'),
    );
    expect(() => subset(ds, 2, 2)).toThrow(RangeError);
    expect(() => subset(ds, -1)).toThrow(new TypeError('n must be a non-negative integer, got -1'));
    expect(() => subset(ds, 1, 0.5)).toThrow(
      new TypeError('start must be a non-negative integer, got 0.5'),
    );
  });
});
