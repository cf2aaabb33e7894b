import '../../test/build-wasm-first.js';
import { createNetwork } from '@mlisp/neurons';
import type { DType, FloatArray, Matrix } from '@mlisp/tensor';
import { Rng } from '@mlisp/tensor';
import { describe, expect, it } from 'vitest';
import { createEpochEngine, createEpochEngineSync } from './engine.js';
import type { EpochEngine } from './types.js';

// Inputs that are all 8-bit pixels k/255 are stored as bytes and expanded per
// mini-batch (assembly/pixels.ts). The same numbers with one zero written as
// −0 are not pixels, so they are stored as values: the two storages must
// train and evaluate to the same bits.

/** rows x cols pixels k/255 in `dtype`: blank borders, some blank runs, one row all 255. */
function pixelRows(rows: number, cols: number, seed: number, dtype: DType): FloatArray {
  const rng = new Rng(seed);
  const data = dtype === 'float32' ? new Float32Array(rows * cols) : new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const lo = Math.floor(cols * 0.2 * rng.uniform());
    const hi = cols - Math.floor(cols * 0.2 * rng.uniform());
    for (let k = lo; k < hi; k++) {
      if (i === 1 || rng.uniform() < 0.6) data[i * cols + k] = (i === 1 ? 255 : rng.int(256)) / 255;
    }
  }
  return data;
}

/** The same values with the first zero written as −0 (not a pixel). */
function withNegativeZero(data: FloatArray): FloatArray {
  const copy = data.slice();
  copy[copy.indexOf(0)] = -0;
  return copy;
}

function oneHot(rows: number, classes: number, seed: number): Matrix {
  const rng = new Rng(seed);
  const data = new Float64Array(rows * classes);
  for (let i = 0; i < rows; i++) data[i * classes + rng.int(classes)] = 1;
  return { rows, cols: classes, data };
}

function flat(engine: EpochEngine): number[] {
  return engine.layers().flatMap((l) => [...l.weights.data, ...l.biases.data]);
}

function memoryBytes(engine: EpochEngine): number {
  return (engine as unknown as { memory: WebAssembly.Memory }).memory.buffer.byteLength;
}

/** The engine's storing of `values` as inputs: whether as pixel bytes, and the bytes. */
function stored(values: ArrayLike<number>, dtype: DType): { all: boolean; bytes: number[] } {
  const engine = createEpochEngineSync(createNetwork([2, 2], { seed: 1 }), {
    cost: 'quadratic',
    eta: 1,
    batchSize: 1,
    dtype,
  });
  const internals = engine as unknown as {
    storeInputs(values: FloatArray, at: number): boolean;
    memory: WebAssembly.Memory;
    layout: { dataStart: number };
  };
  const at = internals.layout.dataStart;
  const typed =
    values instanceof Float32Array || values instanceof Float64Array
      ? values
      : Float64Array.from(values);
  const all = internals.storeInputs(typed, at);
  return { all, bytes: all ? [...new Uint8Array(internals.memory.buffer, at, values.length)] : [] };
}

describe('inputs as pixel bytes', () => {
  const pixels = Float64Array.from({ length: 256 }, (_, k) => k / 255);
  const every = Array.from({ length: 256 }, (_, k) => k);
  it('takes every k/255 in the type the engine computes in, and writes k', () => {
    expect(stored(pixels, 'float64')).toEqual({ all: true, bytes: every });
    expect(stored(pixels, 'float32')).toEqual({ all: true, bytes: every });
    expect(stored(Float32Array.from(pixels), 'float32')).toEqual({ all: true, bytes: every });
  });
  it('refuses anything else: float32-rounded values for float64, other numbers, −0, NaN', () => {
    expect(stored(Float32Array.from([0, 128 / 255]), 'float64').all).toBe(false);
    expect(stored([0, 0.3], 'float64').all).toBe(false);
    expect(stored([0.5], 'float32').all).toBe(false);
    expect(stored([256 / 255], 'float64').all).toBe(false);
    expect(stored([-1 / 255], 'float64').all).toBe(false);
    expect(stored([0, -0], 'float32').all).toBe(false);
    expect(stored([Number.NaN], 'float64').all).toBe(false);
    expect(stored(Float32Array.from([Number.NaN, 0, 0, 0]), 'float32').all).toBe(false);
  });
  it('checks every value: in vectors, in the scalar tail, in every chunk the engine converts', () => {
    const many = Float32Array.from({ length: 70_001 }, (_, i) => ((i * 37) % 256) / 255);
    const bytes = Array.from(many, (_, i) => (i * 37) % 256);
    expect(stored(many, 'float32')).toEqual({ all: true, bytes });
    expect(
      stored(
        Float64Array.from(bytes, (k) => k / 255),
        'float64',
      ),
    ).toEqual({
      all: true,
      bytes,
    });
    for (const at of [5, 16 * 7 + 3, 8192 + 21, 65_536 + 21, 70_000]) {
      const spoiled = many.slice();
      spoiled[at] = 0.5;
      expect(stored(spoiled, 'float32').all).toBe(false);
      const negative = many.slice();
      negative[at] = -0;
      expect(stored(negative, 'float32').all).toBe(false);
    }
  });
});

describe('inputs stored as 8-bit pixels', () => {
  const cases = [
    { sizes: [784, 30, 10], rows: 120, batchSize: 10, cost: 'cross-entropy' as const },
    // 101 inputs: six 16-byte runs and a 5-byte tail per row; softmax output.
    { sizes: [101, 9, 4], rows: 57, batchSize: 7, cost: 'log-likelihood' as const },
  ];
  for (const c of cases) {
    for (const dtype of ['float32', 'float64'] as const) {
      for (const threads of [1, 2]) {
        it(`train and evaluate to the bits of the same values stored as ${dtype}: [${c.sizes}], ${threads} thread(s)`, async () => {
          const n0 = c.sizes[0] as number;
          const nL = c.sizes[c.sizes.length - 1] as number;
          const pixels = pixelRows(c.rows, n0, 7, dtype);
          const X: Matrix = { rows: c.rows, cols: n0, data: pixels };
          const Xv: Matrix = { ...X, data: withNegativeZero(pixels) };
          const Y = oneHot(c.rows, nL, 8);
          const labels = Uint8Array.from({ length: c.rows }, (_, i) =>
            Y.data.subarray(i * nL, (i + 1) * nL).indexOf(1),
          );
          const options = {
            cost: c.cost,
            eta: 0.5,
            lambda: 1,
            momentum: 0.5,
            batchSize: c.batchSize,
            dtype,
            threads,
          };
          const make = () => {
            const net = createNetwork(c.sizes, {
              init: 'scaled',
              seed: 3,
              outputActivation: c.cost === 'log-likelihood' ? 'softmax' : 'sigmoid',
            });
            return createEpochEngine(net, options);
          };
          const [a, b] = [await make(), await make()];
          try {
            const order = new Rng(4).permutation(c.rows);
            const costsA = new Float64Array(Math.ceil(c.rows / c.batchSize));
            const costsB = new Float64Array(costsA.length);
            for (let e = 0; e < 2; e++) {
              a.runEpoch(X, Y, order, costsA);
              b.runEpoch(Xv, Y, order, costsB);
            }
            expect(flat(a)).toEqual(flat(b));
            expect([...costsA]).toEqual([...costsB]);
            expect(costsA.every((v) => v > 0)).toBe(true);
            const evalA = a.evaluate(X, Y, labels);
            expect(evalA).toEqual(b.evaluate(Xv, Y, labels));
            expect(evalA.correct).toBeGreaterThan(0);
            // The pixels take a byte each instead of 4 or 8.
            const saved = c.rows * n0 * (dtype === 'float32' ? 3 : 7);
            expect(memoryBytes(b) - memoryBytes(a)).toBeGreaterThanOrEqual(saved - 2 * 65536);
          } finally {
            a.close();
            b.close();
          }
        });
      }
    }
  }
});
