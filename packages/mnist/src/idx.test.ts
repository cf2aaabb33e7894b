import { encodeIdx, type IdxArray, IdxFormatError, parseIdx } from '@mlisp/mnist';
import { describe, expect, it } from 'vitest';

/** Builds IDX bytes by hand: the independent reference for the format. */
function rawIdx(code: number, dims: number[], body: number[]): Uint8Array {
  const head = [0, 0, code, dims.length];
  for (const d of dims) head.push((d >>> 24) & 255, (d >>> 16) & 255, (d >>> 8) & 255, d & 255);
  return Uint8Array.from([...head, ...body]);
}

function expectIdxError(fn: () => unknown, message: RegExp, file?: string): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(IdxFormatError);
  expect((error as Error).message).toMatch(message);
  expect((error as Error).name).toBe('IdxFormatError');
  if (file !== undefined) expect((error as IdxFormatError).file).toBe(file);
}

describe('parseIdx', () => {
  it('decodes a hand-built uint8 file', () => {
    const bytes = rawIdx(0x08, [2, 3], [1, 2, 3, 4, 5, 255]);
    const idx = parseIdx(bytes);
    expect(idx.type).toBe('uint8');
    expect(idx.dims).toEqual([2, 3]);
    expect(Array.from(idx.data)).toEqual([1, 2, 3, 4, 5, 255]);
    expect(idx.data).toBeInstanceOf(Uint8Array);
  });

  it('reads multi-byte types big-endian', () => {
    expect(Array.from(parseIdx(rawIdx(0x0b, [2], [0x01, 0x02, 0xff, 0xfe])).data)).toEqual([
      258, -2,
    ]);
    expect(Array.from(parseIdx(rawIdx(0x0c, [1], [0xff, 0xff, 0xff, 0xfd])).data)).toEqual([-3]);
    expect(Array.from(parseIdx(rawIdx(0x09, [2], [0x7f, 0x80])).data)).toEqual([127, -128]);
    // 1.5 as IEEE 754 single (0x3fc00000) and double (0x3ff8000000000000)
    expect(Array.from(parseIdx(rawIdx(0x0d, [1], [0x3f, 0xc0, 0, 0])).data)).toEqual([1.5]);
    expect(Array.from(parseIdx(rawIdx(0x0e, [1], [0x3f, 0xf8, 0, 0, 0, 0, 0, 0])).data)).toEqual([
      1.5,
    ]);
  });

  it('works on a view into a larger buffer and copies the data', () => {
    const inner = rawIdx(0x08, [3], [7, 8, 9]);
    const outer = new Uint8Array(inner.length + 5);
    outer.set(inner, 5);
    const idx = parseIdx(outer.subarray(5));
    expect(Array.from(idx.data)).toEqual([7, 8, 9]);
    outer[outer.length - 1] = 0;
    expect(idx.data[2]).toBe(9);
  });

  it('rejects a non-Uint8Array', () => {
    expect(() => parseIdx([0, 0, 8, 1] as unknown as Uint8Array)).toThrow(
      new TypeError('bytes must be a Uint8Array, got Array'),
    );
  });

  it('rejects a header shorter than 4 bytes', () => {
    expectIdxError(
      () => parseIdx(new Uint8Array([0, 0]), 'f'),
      /truncated IDX header: expected at least 4 bytes, got 2/,
      'f',
    );
  });

  it('rejects a wrong magic number, with a hint for gzip data', () => {
    expectIdxError(
      () => parseIdx(Uint8Array.from([1, 0, 8, 1, 0, 0, 0, 0])),
      /wrong magic number 0x01000801/,
    );
    expectIdxError(
      () => parseIdx(Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]), 'x.gz'),
      /^x\.gz: wrong magic number 0x1f8b0800.*gzip-compressed/,
      'x.gz',
    );
  });

  it('rejects unsupported type codes and zero dimensions', () => {
    expectIdxError(
      () => parseIdx(rawIdx(0x0a, [1], [0])),
      /unsupported IDX type code 0x0a \(magic 0x00000a01\)/,
    );
    expectIdxError(() => parseIdx(rawIdx(0x07, [1], [0])), /unsupported IDX type code 0x07/);
    expectIdxError(() => parseIdx(Uint8Array.from([0, 0, 8, 0])), /declares 0 dimensions/);
  });

  it('rejects truncated dimensions, truncated data and trailing bytes', () => {
    expectIdxError(
      () => parseIdx(Uint8Array.from([0, 0, 8, 3, 0, 0, 0, 1])),
      /3 dimensions need 16 bytes, got 8/,
    );
    expectIdxError(
      () => parseIdx(rawIdx(0x0c, [2, 2], [0, 0, 0, 1])),
      /truncated IDX data: the header declares 2x2 int32, so expected 28 bytes, got 16/,
    );
    expectIdxError(
      () => parseIdx(rawIdx(0x08, [2], [1, 2, 3])),
      /expected 10 bytes, got 11 \(1 trailing bytes\)/,
    );
  });

  it('rejects a forged header claiming 10^9 images before allocating anything', () => {
    // Allocating 10^9 x 28 x 28 bytes would itself throw a RangeError; an
    // IdxFormatError shows that the size was checked first.
    const images = rawIdx(0x08, [1e9, 28, 28], []);
    expectIdxError(() => parseIdx(images), /expected 784000000016 bytes, got 16/);
    const labels = rawIdx(0x08, [1e9], [1, 2, 3]);
    expectIdxError(() => parseIdx(labels), /expected 1000000008 bytes, got 11/);
    const huge = rawIdx(0x0e, [0xffffffff, 0xffffffff, 0xffffffff], []);
    expectIdxError(() => parseIdx(huge), /truncated IDX data/);
  });
});

describe('encodeIdx', () => {
  const cases: IdxArray[] = [
    { type: 'uint8', dims: [2, 2, 3], data: Uint8Array.from({ length: 12 }, (_, i) => i * 20) },
    { type: 'int8', dims: [4], data: Int8Array.from([-128, -1, 0, 127]) },
    { type: 'int16', dims: [3], data: Int16Array.from([-32768, 258, 32767]) },
    { type: 'int32', dims: [1, 3], data: Int32Array.from([-(2 ** 31), 1, 2 ** 31 - 1]) },
    { type: 'float32', dims: [2], data: Float32Array.from([Math.fround(0.1), -3.5]) },
    { type: 'float64', dims: [3], data: Float64Array.from([Math.PI, -0, 1e-300]) },
    { type: 'uint8', dims: [0, 28, 28], data: new Uint8Array(0) },
  ];
  for (const c of cases) {
    it(`round-trips ${c.type} ${c.dims.join('x')}`, () => {
      const back = parseIdx(encodeIdx(c));
      expect(back.type).toBe(c.type);
      expect(back.dims).toEqual(c.dims);
      expect(back.data.constructor).toBe(c.data.constructor);
      expect(Array.from(back.data)).toEqual(Array.from(c.data));
    });
  }

  it('writes the same bytes as the hand-built reference', () => {
    const data = Int16Array.from([258, -2]);
    expect(encodeIdx({ type: 'int16', dims: [2], data })).toEqual(
      rawIdx(0x0b, [2], [1, 2, 0xff, 0xfe]),
    );
  });

  it('rejects bad arguments', () => {
    const data = new Uint8Array(4);
    expect(() => encodeIdx({ type: 'uint16' as 'uint8', dims: [4], data })).toThrow(
      /type must be one of uint8, int8, int16, int32, float32, float64, got uint16/,
    );
    expect(() => encodeIdx({ type: 'toString' as 'uint8', dims: [4], data })).toThrow(TypeError);
    expect(() => encodeIdx({ type: 'uint8', dims: [], data })).toThrow(
      /dims must be an array of 1 to 255 sizes/,
    );
    expect(() => encodeIdx({ type: 'uint8', dims: [2, 1.5], data })).toThrow(
      /dims\[1\] must be an integer in \[0, 2\^32\), got 1.5/,
    );
    expect(() => encodeIdx({ type: 'int16', dims: [4], data })).toThrow(
      /data must be a Int16Array for type 'int16', got Uint8Array/,
    );
    expect(() => encodeIdx({ type: 'uint8', dims: [5], data })).toThrow(
      new RangeError('data has 4 elements but dims 5 need 5'),
    );
  });
});
