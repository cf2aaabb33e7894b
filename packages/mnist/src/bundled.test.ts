import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  BUNDLED_SIZE,
  bundledSplitIndices,
  fetchBundled,
  IdxFormatError,
  parseBundled,
  parseBundledAll,
} from '@mlisp/mnist';
import { bundledAssetPath, loadBundled, loadBundledSync } from '@mlisp/mnist/node';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

// The independent reference: the `mnist` package's own JSON files, one per class.
const require = createRequire(import.meta.url);
const mnistRoot = dirname(require.resolve('mnist/package.json'));
const reference: number[][] = Array.from(
  { length: 10 },
  (_, d) => JSON.parse(readFileSync(join(mnistRoot, 'src', 'digits', `${d}.json`), 'utf8')).data,
);
const counts = reference.map((data) => data.length / 784);
const trainCounts = counts.map((n) => Math.floor(0.8 * n));

/** The package's pixels of sample `s` of class `d`. */
const refDigit = (d: number, s: number) => reference[d]!.slice(s * 784, (s + 1) * 784);

/** Package-order index -> [class, sample within class]. */
function locate(index: number): [number, number] {
  let d = 0;
  while (index >= counts[d]!) index -= counts[d++]!;
  return [d, index];
}

// A plain Uint8Array copy (Buffer.slice would share memory with the asset).
const asset = new Uint8Array(readFileSync(bundledAssetPath()));
const split = loadBundledSync();

describe('bundled digits asset', () => {
  it('holds exactly the mnist package values (all 10,000 digits)', () => {
    expect(counts).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    const all = parseBundledAll(asset);
    expect(all.size).toBe(BUNDLED_SIZE);
    let row = 0;
    for (let d = 0; d < 10; d++) {
      const data = reference[d]!;
      const got = all.images.data.subarray(row * 784, (row + counts[d]!) * 784);
      expect(got.length).toBe(data.length);
      for (let i = 0; i < data.length; i++) if (got[i] !== data[i]) expect(got[i]).toBe(data[i]);
      expect(all.labels.subarray(row, row + counts[d]!).every((y) => y === d)).toBe(true);
      row += counts[d]!;
    }
  });

  it('splits 7996 / 2004 with the first 80% of each class in train', () => {
    expect(split.train.size).toBe(7996);
    expect(split.test.size).toBe(2004);
    expect(split.train.images.rows).toBe(7996);
    expect(split.train.images.cols).toBe(784);
    expect(split.test.images.rows).toBe(2004);
    const perClass = (labels: Uint8Array) =>
      Array.from({ length: 10 }, (_, d) => labels.filter((y) => y === d).length);
    expect(perClass(split.train.labels)).toEqual(trainCounts);
    expect(perClass(split.test.labels)).toEqual(counts.map((n, d) => n - trainCounts[d]!));
  });

  it('has split indices that partition the package order by within-class position', () => {
    const all = parseBundledAll(asset);
    const { train, test } = bundledSplitIndices(all.labels);
    const seen = new Uint8Array(BUNDLED_SIZE);
    for (const i of train) {
      const [d, s] = locate(i);
      expect(s).toBeLessThan(trainCounts[d]!);
      seen[i]! += 1;
    }
    for (const i of test) {
      const [d, s] = locate(i);
      expect(s).toBeGreaterThanOrEqual(trainCounts[d]!);
      seen[i]! += 1;
    }
    expect(seen.every((c) => c === 1)).toBe(true);
  });

  it('gives the package pixels and labels for sampled train and test rows', () => {
    const { train, test } = bundledSplitIndices(parseBundledAll(asset).labels);
    for (const [set, order] of [
      [split.train, train],
      [split.test, test],
    ] as const) {
      for (let r = 0; r < set.size; r += 37) {
        const [d, s] = locate(order[r]!);
        expect(set.labels[r]).toBe(d);
        expect(Array.from(set.images.data.subarray(r * 784, (r + 1) * 784))).toEqual(
          refDigit(d, s),
        );
      }
    }
  });

  it('has float64 pixels in [0, 1] with real ink in every image', () => {
    for (const set of [split.train, split.test]) {
      expect(set.images.data).toBeInstanceOf(Float64Array);
      expect(set.images.data.every((v) => v >= 0 && v <= 1)).toBe(true);
      for (let r = 0; r < set.size; r++) {
        let max = 0;
        for (let j = 0; j < 784; j++) max = Math.max(max, set.images.data[r * 784 + j]!);
        if (max < 0.5) expect(max).toBeGreaterThanOrEqual(0.5);
      }
    }
  });

  it('is deterministic and not sorted by class', async () => {
    const again = await loadBundled();
    expect(again.train.labels).toEqual(split.train.labels);
    expect(again.test.labels).toEqual(split.test.labels);
    // Byte for byte (toEqual on 6.3 million floats takes minutes on a busy machine).
    const bytes = (a: Float64Array | Float32Array) =>
      Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    expect(bytes(again.train.images.data).equals(bytes(split.train.images.data))).toBe(true);
    // A regression pin for the documented order (Rng seeds 0 and 1).
    expect(Array.from(split.train.labels.subarray(0, 20)).join('')).toBe('24914238496106106797');
    for (const set of [split.train, split.test]) {
      let changes = 0;
      for (let i = 1; i < set.size; i++) if (set.labels[i] !== set.labels[i - 1]) changes++;
      expect(changes).toBeGreaterThan(0.8 * set.size);
      expect(new Set(set.labels.subarray(0, 100)).size).toBe(10);
    }
  });

  it('places no two samples in both sets (images differ between train and test)', () => {
    const key = (data: Float64Array, r: number) => data.subarray(r * 784, (r + 1) * 784).join(',');
    const trainKeys = new Set<string>();
    for (let r = 0; r < split.train.size; r++) trainKeys.add(key(split.train.images.data, r));
    let shared = 0;
    for (let r = 0; r < split.test.size; r++)
      if (trainKeys.has(key(split.test.images.data, r))) shared++;
    expect(shared).toBe(0);
  });
});

describe('bundled asset errors', () => {
  const header = () => asset.slice(0, 16);
  const expectAssetError = (bytes: Uint8Array, message: RegExp) => {
    let error: unknown;
    try {
      parseBundled(bytes);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(IdxFormatError);
    expect((error as IdxFormatError).file).toBe('digits.bin');
    expect((error as Error).message).toMatch(message);
  };

  it('rejects truncated, foreign, versioned, resized and forged assets', () => {
    expectAssetError(
      asset.subarray(0, 10),
      /^digits\.bin: truncated header: expected at least 16 bytes, got 10$/,
    );
    expectAssetError(
      asset.subarray(0, asset.length - 1),
      /truncated data: .* expected 7850016 bytes, got 7850015/,
    );
    const magic = header();
    magic[0] = 0;
    expectAssetError(magic, /wrong magic number 0x004c4d44: not an @mlisp\/mnist digits asset/);
    const version = header();
    version[7] = 2;
    expectAssetError(version, /unsupported asset version 2 \(expected 1\)/);
    const size = header();
    size[15] = 20;
    expectAssetError(size, /images are 28x20 pixels, but MNIST images are 28x28/);
    const forged = header();
    new DataView(forged.buffer).setUint32(8, 1e9);
    expectAssetError(
      forged,
      /header declares 1000000000 digits, so expected 785000000016 bytes, got 16/,
    );
    const longer = new Uint8Array(asset.length + 1);
    longer.set(asset);
    expectAssetError(longer, /data too long/);
    const label = asset.slice();
    label[16 + 5] = 10;
    expectAssetError(label, /label 10 at index 5 is outside 0\.\.9/);
    expect(() => parseBundled('x' as unknown as Uint8Array)).toThrow(TypeError);
  });

  it('names the path when the asset is missing', async () => {
    const path = join(dirname(bundledAssetPath()), 'no-such-digits.bin');
    expect(() => loadBundledSync({ path })).toThrow(IdxFormatError);
    expect(() => loadBundledSync({ path })).toThrow(`${path}: the bundled digits asset is missing`);
    await expect(loadBundled({ path })).rejects.toThrow(
      `${path}: the bundled digits asset is missing`,
    );
  });
});

describe('fetchBundled', () => {
  beforeAll(() => {
    expect(typeof Response).toBe('function');
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('parses a fetched asset into the same split', async () => {
    const fetchMock = vi.fn(async () => new Response(asset));
    vi.stubGlobal('fetch', fetchMock);
    const fetched = await fetchBundled('/assets/digits.bin');
    expect(fetchMock).toHaveBeenCalledWith('/assets/digits.bin');
    expect(fetched.train.labels).toEqual(split.train.labels);
    expect(fetched.test.images.data).toEqual(split.test.images.data);
  });

  it('reports an HTTP error with the URL', async () => {
    vi.stubGlobal('fetch', async () => new Response('nope', { status: 404 }));
    await expect(fetchBundled('/missing.bin')).rejects.toThrow(
      /^\/missing\.bin: fetching the digits asset failed: HTTP 404$/,
    );
  });
});
