// Fuzzing the IDX reader: random bytes, headers with random fields, truncated,
// extended and mutated valid files, MNIST image/label pairs, gzip files and the
// bundled digits asset. Every input either decodes to exactly what a naive
// reference decoder (written here from the format's description) reads, or is
// refused with an IdxFormatError whose message says what is wrong — never
// another error, never a hang, and never an allocation sized by a forged header.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  datasetFromIdx,
  encodeIdx,
  type IdxArray,
  IdxFormatError,
  type IdxType,
  parseBundled,
  parseIdx,
} from '@mlisp/mnist';
import { readIdxFile, readMnistFolder } from '@mlisp/mnist/node';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';

const RUNS = {
  random: 1000,
  header: 1500,
  truncated: 500,
  extended: 300,
  mutated: 1000,
  mnist: 500,
  gzip: 100,
  bundled: 300,
};
let casesRun = 0;

/** The IDX type codes: element size and how to read one element at `o`, big-endian. */
const CODES: Record<
  number,
  { type: IdxType; size: number; read: (b: Uint8Array, o: number) => number }
> = {
  8: { type: 'uint8', size: 1, read: (b, o) => b[o] as number },
  9: { type: 'int8', size: 1, read: (b, o) => ((b[o] as number) << 24) >> 24 },
  11: {
    type: 'int16',
    size: 2,
    read: (b, o) => ((((b[o] as number) << 8) | (b[o + 1] as number)) << 16) >> 16,
  },
  12: { type: 'int32', size: 4, read: (b, o) => readU32(b, o) | 0 },
  13: {
    type: 'float32',
    size: 4,
    read: (b, o) =>
      new Float32Array(Uint8Array.from(b.subarray(o, o + 4)).reverse().buffer)[0] as number,
  },
  14: {
    type: 'float64',
    size: 8,
    read: (b, o) =>
      new Float64Array(Uint8Array.from(b.subarray(o, o + 8)).reverse().buffer)[0] as number,
  },
};

function readU32(b: Uint8Array, o: number): number {
  return (
    (b[o] as number) * 2 ** 24 +
    (b[o + 1] as number) * 2 ** 16 +
    (b[o + 2] as number) * 256 +
    (b[o + 3] as number)
  );
}

type Reference =
  | { ok: true; type: IdxType; dims: number[]; values: number[] }
  | { ok: false; why: string };

/** The naive reference decoder: byte by byte, BigInt sizes (no overflow). */
function reference(b: Uint8Array): Reference {
  if (b.length < 4) return { ok: false, why: 'truncated' };
  if (b[0] !== 0 || b[1] !== 0) return { ok: false, why: 'magic' };
  const info = CODES[b[2] as number];
  if (info === undefined) return { ok: false, why: 'type code' };
  const ndims = b[3] as number;
  if (ndims === 0) return { ok: false, why: '0 dimensions' };
  const header = 4 + 4 * ndims;
  if (b.length < header) return { ok: false, why: 'truncated' };
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(readU32(b, 4 + 4 * i));
  const count = dims.reduce((p, d) => p * BigInt(d), 1n);
  const expected = BigInt(header) + count * BigInt(info.size);
  if (expected > BigInt(b.length)) return { ok: false, why: 'truncated' };
  if (expected < BigInt(b.length)) return { ok: false, why: 'too long' };
  const values: number[] = [];
  for (let i = 0; i < Number(count); i++) values.push(info.read(b, header + i * info.size));
  return { ok: true, type: info.type, dims, values };
}

/** Parses `bytes` (copied into a larger buffer at an odd offset) and checks it against the reference. */
function check(bytes: Uint8Array, file?: string): IdxArray | IdxFormatError {
  casesRun++;
  // A view at an odd offset into a larger buffer: offsets must be honoured.
  const host = new Uint8Array(bytes.length + 7);
  host.fill(0xa5);
  host.set(bytes, 3);
  const view = host.subarray(3, 3 + bytes.length);
  const want = reference(bytes);
  let got: IdxArray | IdxFormatError;
  try {
    got = parseIdx(view, file);
  } catch (e) {
    if (!(e instanceof IdxFormatError)) {
      throw new Error(`parseIdx threw ${String(e)} instead of an IdxFormatError`, { cause: e });
    }
    got = e;
  }
  if (!want.ok) {
    expect(got, `reference says: ${want.why}`).toBeInstanceOf(IdxFormatError);
    const e = got as IdxFormatError;
    expect(e.name).toBe('IdxFormatError');
    expect(e.file).toBe(file);
    if (file !== undefined) expect(e.message.startsWith(`${file}: `)).toBe(true);
    const clue = { truncated: /truncated/, magic: /magic number/, 'type code': /type code/ }[
      want.why as 'truncated'
    ];
    if (clue !== undefined) expect(e.message).toMatch(clue);
    if (want.why === 'too long') expect(e.message).toMatch(/too long.*trailing bytes/);
    if (want.why === '0 dimensions') expect(e.message).toMatch(/0 dimensions/);
    // Bounded even for 255 dimensions of 10 digits each.
    expect(e.message.length).toBeLessThan(3200);
    return e;
  }
  expect(got).not.toBeInstanceOf(IdxFormatError);
  const idx = got as IdxArray;
  expect(idx.type).toBe(want.type);
  expect([...idx.dims]).toEqual(want.dims);
  expect(idx.data.length).toBe(want.values.length);
  idx.data.forEach((v, i) => {
    expect(Object.is(v, want.values[i]) || (Number.isNaN(v) && Number.isNaN(want.values[i]))).toBe(
      true,
    );
  });
  // The data is a copy, not a view into the caller's bytes.
  expect(idx.data.buffer).not.toBe(host.buffer);
  return idx;
}

function header(code: number, dims: readonly number[]): number[] {
  const out = [0, 0, code, dims.length];
  for (const d of dims) out.push((d >>> 24) & 255, (d >>> 16) & 255, (d >>> 8) & 255, d & 255);
  return out;
}

const TYPES: IdxType[] = ['uint8', 'int8', 'int16', 'int32', 'float32', 'float64'];
const CTORS = {
  uint8: Uint8Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  float32: Float32Array,
  float64: Float64Array,
} as const;

/** A small valid IDX array of any type: 1 to 3 dimensions of 0 to 4, random contents. */
const validIdx: fc.Arbitrary<IdxArray> = fc
  .record({
    type: fc.constantFrom(...TYPES),
    dims: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 3 }),
    bytes: fc.uint8Array({ minLength: 512, maxLength: 512 }),
  })
  .map(({ type, dims, bytes }) => {
    const count = dims.reduce((p, d) => p * d, 1);
    const Ctor = CTORS[type];
    // Reinterpret random bytes as elements: every bit pattern, NaNs and infinities included.
    const data = new Ctor(bytes.buffer.slice(0, count * Ctor.BYTES_PER_ELEMENT));
    return { type, dims, data } as IdxArray;
  });

const options = (seed: number, numRuns: number) => ({ seed, numRuns, endOnFailure: true });

describe('parseIdx under fuzzing', () => {
  it('random bytes: decoded as the reference reads them, or an IdxFormatError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.boolean(), (bytes, named) => {
        check(bytes, named ? 'random-idx' : undefined);
      }),
      options(1, RUNS.random),
    );
  });

  it('headers with random fields (any type code, 0 to 5 dimensions, small or huge sizes) and a body of random length', () => {
    const dim = fc.oneof(
      fc.integer({ min: 0, max: 4 }),
      fc.constantFrom(28, 255, 65536, 1e9, 2 ** 31, 0xffffffff),
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.constantFrom(0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e),
          fc.integer({ min: 0, max: 255 }),
        ),
        fc.array(dim, { maxLength: 5 }),
        fc.integer({ min: -8, max: 8 }),
        fc.integer({ min: 0, max: 255 }),
        (code, dims, slack, fill) => {
          const head = header(code, dims);
          const size = CODES[code]?.size ?? 1;
          const count = dims.reduce((p, d) => p * d, 1);
          // Body near the declared length when that is small, else just a few bytes.
          const body = count * size <= 256 ? Math.max(0, count * size + slack) : Math.abs(slack);
          const bytes = Uint8Array.from([...head, ...new Array(body).fill(fill)]);
          check(bytes);
        },
      ),
      options(2, RUNS.header),
    );
  });

  it('truncated valid files: an IdxFormatError saying truncated', () => {
    fc.assert(
      fc.property(validIdx, fc.nat(), (idx, at) => {
        const bytes = encodeIdx(idx);
        const cut = at % bytes.length;
        const e = check(bytes.subarray(0, cut), 't10k-images-idx3-ubyte');
        expect(e).toBeInstanceOf(IdxFormatError);
        expect((e as Error).message).toMatch(/truncated/);
        if (cut >= 4 + 4 * idx.dims.length) {
          // Past the header: the message names the declared shape and both byte counts.
          expect((e as Error).message).toContain(`${idx.dims.join('x')} ${idx.type}`);
          expect((e as Error).message).toContain(`expected ${bytes.length} bytes, got ${cut}`);
        }
      }),
      options(3, RUNS.truncated),
    );
  });

  it('valid files with bytes appended: an IdxFormatError counting the trailing bytes', () => {
    fc.assert(
      fc.property(validIdx, fc.uint8Array({ minLength: 1, maxLength: 20 }), (idx, extra) => {
        const bytes = encodeIdx(idx);
        const e = check(Uint8Array.from([...bytes, ...extra]));
        expect((e as Error).message).toContain(`(${extra.length} trailing bytes)`);
      }),
      options(4, RUNS.extended),
    );
  });

  it('mutated valid files (bytes replaced, flipped, inserted or deleted): decoded as the reference reads them, or an IdxFormatError', () => {
    const edit = fc.record({
      at: fc.nat(),
      kind: fc.constantFrom('set', 'flip', 'insert', 'delete'),
      value: fc.integer({ min: 0, max: 255 }),
    });
    let accepted = 0;
    fc.assert(
      fc.property(validIdx, fc.array(edit, { minLength: 1, maxLength: 4 }), (idx, edits) => {
        const bytes = [...encodeIdx(idx)];
        for (const { at, kind, value } of edits) {
          // Mostly in the header, where the interesting damage is.
          const i = at % Math.min(bytes.length + 1, at % 3 === 0 ? bytes.length + 1 : 16);
          if (kind === 'set' && i < bytes.length) bytes[i] = value;
          else if (kind === 'flip' && i < bytes.length)
            bytes[i] = (bytes[i] as number) ^ (1 << (value % 8));
          else if (kind === 'insert') bytes.splice(i, 0, value);
          else bytes.splice(i, 1);
        }
        if (!(check(Uint8Array.from(bytes)) instanceof IdxFormatError)) accepted++;
      }),
      options(5, RUNS.mutated),
    );
    // Both outcomes happen (a flipped data byte still makes a valid file).
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(RUNS.mutated);
  });

  it('a 16-byte header claiming 10^9 28x28 images is refused at once, naming the claim and the real size, without allocating', () => {
    const forged = Uint8Array.from(header(0x08, [1e9, 28, 28]));
    const before = process.memoryUsage().arrayBuffers;
    let error: unknown;
    try {
      parseIdx(forged, 'train-images-idx3-ubyte');
    } catch (e) {
      error = e;
    }
    // Measured before any collection could hide a 784 GB (or 1 GB) buffer.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(1e6);
    expect(error).toBeInstanceOf(IdxFormatError);
    expect(error).not.toBeInstanceOf(RangeError);
    expect((error as Error).message).toBe(
      'train-images-idx3-ubyte: truncated IDX data: the header declares 1000000000x28x28 uint8, so expected 784000000016 bytes, got 16',
    );
    // Claims an allocation would survive (1 GB of uint8) or overflow (2^128 float64s) alike.
    for (const [code, dims] of [
      [0x08, [1e9]],
      [0x0e, [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff]],
      [0x0c, [65536, 65536]],
    ] as const) {
      const at = process.memoryUsage().arrayBuffers;
      const e = check(Uint8Array.from([...header(code, dims), 1, 2, 3]));
      expect(process.memoryUsage().arrayBuffers - at).toBeLessThan(1e6);
      expect((e as Error).message).toMatch(/truncated IDX data: the header declares .*, got \d+$/);
    }
    // And the same through datasetFromIdx, with a good labels file.
    const labels = encodeIdx({ type: 'uint8', dims: [1], data: Uint8Array.of(3) });
    expect(() => datasetFromIdx(forged, labels)).toThrow(
      /^images: truncated IDX data: the header declares 1000000000x28x28 uint8, so expected 784000000016 bytes, got 16$/,
    );
  });
});

describe('datasetFromIdx under fuzzing', () => {
  it('mutated MNIST image and label files: a dataset matching the bytes, or an IdxFormatError', () => {
    const damage = fc.option(
      fc.record({
        file: fc.constantFrom('images', 'labels'),
        at: fc.nat(),
        value: fc.integer({ min: 0, max: 255 }),
      }),
      { freq: 4 },
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 3 }),
        fc.uint8Array({ minLength: 4 * 784, maxLength: 4 * 784 }),
        fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 3, maxLength: 3 }),
        fc.array(damage, { maxLength: 3 }),
        (n, m, pixels, labelValues, edits) => {
          casesRun++;
          const images = Uint8Array.from([
            ...header(0x08, [n, 28, 28]),
            ...pixels.subarray(0, n * 784),
          ]);
          const labels = Uint8Array.from([...header(0x08, [m]), ...labelValues.slice(0, m)]);
          for (const d of edits) {
            if (d === null) continue;
            const bytes = d.file === 'images' ? images : labels;
            // Header bytes most of the time.
            bytes[d.at % Math.min(bytes.length, d.at % 2 === 0 ? 16 : bytes.length)] = d.value;
          }
          let got: ReturnType<typeof datasetFromIdx> | IdxFormatError;
          try {
            got = datasetFromIdx(images, labels, { images: 'img.idx', labels: 'lbl.idx' });
          } catch (e) {
            if (!(e instanceof IdxFormatError)) throw e;
            expect(e.file === 'img.idx' || e.file === 'lbl.idx').toBe(true);
            return;
          }
          // Accepted: exactly what the bytes say.
          const img = reference(images);
          const lbl = reference(labels);
          expect(img.ok && lbl.ok).toBe(true);
          if (!img.ok || !lbl.ok) return;
          expect(
            img.type === 'uint8' &&
              img.dims.length === 3 &&
              img.dims[1] === 28 &&
              img.dims[2] === 28,
          ).toBe(true);
          expect(lbl.values).toHaveLength(img.dims[0] as number);
          expect(lbl.values.every((v) => v <= 9)).toBe(true);
          expect(got.size).toBe(img.dims[0]);
          expect(Array.from(got.labels)).toEqual(lbl.values);
          expect(Array.from(got.images.data)).toEqual(img.values.map((v) => v / 255));
        },
      ),
      options(6, RUNS.mnist),
    );
  });
});

describe('files on disk under fuzzing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlisp-idx-fuzz-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('random and mutated .gz files: an IdxFormatError naming the file, or the decoded array', async () => {
    const cases = fc.sample(
      fc.tuple(validIdx, fc.nat(), fc.constantFrom('truncate-gz', 'flip-gz', 'random', 'ok')),
      { seed: 8, numRuns: RUNS.gzip },
    );
    for (const [i, [idx, at, kind]] of cases.entries()) {
      casesRun++;
      const gz = gzipSync(encodeIdx(idx));
      let bytes: Uint8Array = gz;
      if (kind === 'truncate-gz') bytes = gz.subarray(0, at % gz.length);
      else if (kind === 'flip-gz') {
        bytes = Uint8Array.from(gz);
        const k = 10 + (at % (gz.length - 10));
        bytes[k] = (bytes[k] as number) ^ 0x40;
      } else if (kind === 'random')
        bytes = Uint8Array.from([
          0x1f,
          0x8b,
          ...fc.sample(fc.integer({ min: 0, max: 255 }), { seed: at, numRuns: at % 40 }),
        ]);
      const file = join(dir, `f${i}.idx.gz`);
      writeFileSync(file, bytes);
      try {
        const got = await readIdxFile(file);
        expect([...got.dims]).toEqual(idx.dims);
      } catch (e) {
        if (!(e instanceof IdxFormatError)) throw e;
        expect(e.file).toBe(file);
        expect(e.message.startsWith(`${file}: `)).toBe(true);
      }
    }
  });

  it('a folder whose training images claim 10^9 digits: refused naming the file, the claim and the size', async () => {
    const mnist = join(dir, 'forged');
    const files: Record<string, Uint8Array> = {
      'train-images-idx3-ubyte': Uint8Array.from(header(0x08, [1e9, 28, 28])),
      'train-labels-idx1-ubyte': Uint8Array.from([...header(0x08, [1]), 0]),
      't10k-images-idx3-ubyte': Uint8Array.from([...header(0x08, [0, 28, 28])]),
      't10k-labels-idx1-ubyte': Uint8Array.from(header(0x08, [0])),
    };
    rmSync(mnist, { recursive: true, force: true });
    const { mkdirSync } = await import('node:fs');
    mkdirSync(mnist);
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(mnist, name), bytes);
    await expect(readMnistFolder(mnist)).rejects.toThrow(IdxFormatError);
    await expect(readMnistFolder(mnist)).rejects.toThrow(
      `${join(mnist, 'train-images-idx3-ubyte')}: truncated IDX data: the header declares 1000000000x28x28 uint8, so expected 784000000016 bytes, got 16`,
    );
  });
});

describe('parseBundled under fuzzing', () => {
  it('a damaged digits asset: an IdxFormatError, or the digits it still holds', () => {
    const asset = (n: number, labels: number[], pixels: Uint8Array) => {
      const out = new Uint8Array(16 + n * 785);
      out.set([0x4d, 0x4c, 0x4d, 0x44, 0, 0, 0, 1], 0);
      new DataView(out.buffer).setUint32(8, n);
      out.set([0, 28, 0, 28], 12);
      out.set(labels.slice(0, n), 16);
      out.set(pixels.subarray(0, n * 784), 16 + n);
      return out;
    };
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 12 }),
        fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 12, maxLength: 12 }),
        fc.uint8Array({ minLength: 12 * 784, maxLength: 12 * 784 }),
        fc.option(fc.tuple(fc.nat({ max: 24 }), fc.integer({ min: 0, max: 255 }))),
        fc.integer({ min: -3, max: 3 }),
        (n, labels, pixels, edit, resize) => {
          casesRun++;
          let bytes = asset(n, labels, pixels);
          if (edit !== null && edit[0] < bytes.length) bytes[edit[0]] = edit[1];
          if (resize < 0) bytes = bytes.subarray(0, Math.max(0, bytes.length + resize));
          else if (resize > 0) bytes = Uint8Array.from([...bytes, ...new Array(resize).fill(0)]);
          try {
            const split = parseBundled(bytes);
            expect(split.train.size + split.test.size).toBe(n);
          } catch (e) {
            if (!(e instanceof IdxFormatError)) throw e;
            expect(e.message).toMatch(/^digits\.bin: /);
          }
        },
      ),
      options(9, RUNS.bundled),
    );
    // A forged count in an otherwise empty asset.
    const forged = asset(0, [], new Uint8Array());
    new DataView(forged.buffer).setUint32(8, 1e9);
    expect(() => parseBundled(forged)).toThrow(
      'digits.bin: truncated data: the header declares 1000000000 digits, so expected 785000000016 bytes, got 16',
    );
  });
});

afterAll(() => {
  expect(casesRun).toBeGreaterThan(0);
  console.info(`idx.fuzz: ${casesRun} inputs decoded or refused`);
});
