import { fromTypedArray, gemm, type Matrix, Rng } from '@mlisp/tensor';
import * as tf from '@tensorflow/tfjs';
import { type Contender, measure, type Timing, type TimingOptions } from './timing.js';

/** One GEMM problem: out (m x n) = op(A) · op(B) with inner dimension k. */
export interface GemmCase {
  readonly label: string;
  /** Where the shape comes from. */
  readonly note: string;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly transA: boolean;
  readonly transB: boolean;
}

/** The shapes mini-batch training of a 784-30-10 MNIST network uses, plus a large square one. */
export const GEMM_CASES: readonly GemmCase[] = [
  {
    label: '10x784 · 784x30',
    note: 'hidden layer, batch 10',
    m: 10,
    n: 30,
    k: 784,
    transA: false,
    transB: false,
  },
  {
    label: '10x784 · (30x784)ᵀ',
    note: 'forward pass as the trainer calls it (transB)',
    m: 10,
    n: 30,
    k: 784,
    transA: false,
    transB: true,
  },
  {
    label: '(10x784)ᵀ · 10x30',
    note: 'weight gradient (transA)',
    m: 784,
    n: 30,
    k: 10,
    transA: true,
    transB: false,
  },
  {
    label: '10x30 · 30x10',
    note: 'output layer, batch 10',
    m: 10,
    n: 10,
    k: 30,
    transA: false,
    transB: false,
  },
  {
    label: '100x784 · 784x100',
    note: 'batch 100, 100 hidden',
    m: 100,
    n: 100,
    k: 784,
    transA: false,
    transB: false,
  },
  {
    label: '512x512 · 512x512',
    note: 'large square',
    m: 512,
    n: 512,
    k: 512,
    transA: false,
    transB: false,
  },
];

/** GFLOP/s of each contender on one case (2·m·n·k flops per call). */
export interface GemmResult extends GemmCase {
  readonly gflops: {
    readonly oursFloat64: number;
    readonly oursFloat32: number;
    readonly naive: number;
    readonly tfjs: number;
  };
  /** Interquartile range of each contender's timings over its median: the noise of the figure. */
  readonly relativeIqr: {
    readonly oursFloat64: number;
    readonly oursFloat32: number;
    readonly naive: number;
    readonly tfjs: number;
  };
  /** Ours in float64 (the reference precision) over the others. */
  readonly ratios: {
    readonly oursOverNaive: number;
    readonly oursOverTfjs: number;
    readonly oursFloat32OverTfjs: number;
  };
}

/**
 * The textbook triple loop (i, j, p with a running sum), reading op(A) and
 * op(B) through index arithmetic: what one writes without thinking about caches.
 */
function naiveGemm(A: Float64Array, B: Float64Array, C: Float64Array, c: GemmCase): void {
  const { m, n, k, transA, transB } = c;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        const a = transA ? (A[p * m + i] as number) : (A[i * k + p] as number);
        const b = transB ? (B[j * k + p] as number) : (B[p * n + j] as number);
        s += a * b;
      }
      C[i * n + j] = s;
    }
  }
}

function maxRelativeError(x: ArrayLike<number>, reference: Float64Array): number {
  let scale = 0;
  for (let i = 0; i < reference.length; i++)
    scale = Math.max(scale, Math.abs(reference[i] as number));
  let worst = 0;
  for (let i = 0; i < reference.length; i++) {
    worst = Math.max(worst, Math.abs((x[i] as number) - (reference[i] as number)));
  }
  return scale === 0 ? worst : worst / scale;
}

let sink = 0;

/** Benchmarks one case; throws if any contender computes a wrong product. */
export function benchGemmCase(c: GemmCase, timing: TimingOptions, rng: Rng): GemmResult {
  const { m, n, k, transA, transB } = c;
  const a64 = rng.fillUniform(new Float64Array(m * k), -1, 1);
  const b64 = rng.fillUniform(new Float64Array(k * n), -1, 1);
  const aRows = transA ? k : m;
  const bRows = transB ? n : k;
  const A64 = fromTypedArray(a64, aRows, a64.length / aRows);
  const B64 = fromTypedArray(b64, bRows, b64.length / bRows);
  const A32 = fromTypedArray(Float32Array.from(a64), A64.rows, A64.cols);
  const B32 = fromTypedArray(Float32Array.from(b64), B64.rows, B64.cols);
  const C64: Matrix = fromTypedArray(new Float64Array(m * n), m, n);
  const C32: Matrix = fromTypedArray(new Float32Array(m * n), m, n);
  const cNaive = new Float64Array(m * n);
  const tA = tf.tensor2d(A32.data as Float32Array, [A32.rows, A32.cols], 'float32');
  const tB = tf.tensor2d(B32.data as Float32Array, [B32.rows, B32.cols], 'float32');
  let tfOut: Float32Array = new Float32Array(0);

  const contenders: Contender[] = [
    { name: 'oursFloat64', run: () => gemm(A64, B64, { transA, transB, out: C64 }) },
    { name: 'oursFloat32', run: () => gemm(A32, B32, { transA, transB, out: C32 }) },
    { name: 'naive', run: () => naiveGemm(a64, b64, cNaive, c) },
    {
      name: 'tfjs',
      run: () => {
        const t = tf.matMul(tA, tB, transA, transB);
        tfOut = t.dataSync() as Float32Array;
        t.dispose();
      },
    },
  ];

  // Every contender must compute the same product before its speed means anything.
  for (const x of contenders) x.run();
  const errors = {
    oursFloat64: maxRelativeError(C64.data, cNaive),
    oursFloat32: maxRelativeError(C32.data, cNaive),
    tfjs: maxRelativeError(tfOut, cNaive),
  };
  const tolerance = { oursFloat64: 1e-12, oursFloat32: 1e-4, tfjs: 1e-4 };
  for (const [name, err] of Object.entries(errors)) {
    if (!(err <= tolerance[name as keyof typeof tolerance])) {
      throw new Error(
        `gemm bench: ${name} disagrees with the naive loop on ${c.label} (error ${err})`,
      );
    }
  }

  const timings = measure(contenders, timing);
  sink +=
    (C64.data[0] as number) + (C32.data[0] as number) + (cNaive[0] as number) + (tfOut[0] ?? 0);
  tA.dispose();
  tB.dispose();

  const flops = 2 * m * n * k;
  const timeOf = (name: string) => timings.get(name) as Timing;
  const gflops = (name: string) => flops / timeOf(name).seconds / 1e9;
  const result = {
    oursFloat64: gflops('oursFloat64'),
    oursFloat32: gflops('oursFloat32'),
    naive: gflops('naive'),
    tfjs: gflops('tfjs'),
  };
  return {
    ...c,
    gflops: result,
    relativeIqr: {
      oursFloat64: timeOf('oursFloat64').relativeIqr,
      oursFloat32: timeOf('oursFloat32').relativeIqr,
      naive: timeOf('naive').relativeIqr,
      tfjs: timeOf('tfjs').relativeIqr,
    },
    ratios: {
      oursOverNaive: result.oursFloat64 / result.naive,
      oursOverTfjs: result.oursFloat64 / result.tfjs,
      oursFloat32OverTfjs: result.oursFloat32 / result.tfjs,
    },
  };
}

/** Runs every case of {@link GEMM_CASES} with tfjs on its cpu backend. */
export async function runGemmBench(timing: TimingOptions): Promise<GemmResult[]> {
  await tf.setBackend('cpu');
  await tf.ready();
  if (tf.getBackend() !== 'cpu')
    throw new Error(`tfjs backend is ${tf.getBackend()}, expected cpu`);
  const rng = new Rng(2024);
  const results = GEMM_CASES.map((c) => benchGemmCase(c, timing, rng));
  if (Number.isNaN(sink)) throw new Error('gemm bench: NaN in a product');
  return results;
}

/** A plain-text table of the results. */
export function formatGemmTable(results: readonly GemmResult[]): string {
  const header = [
    'shape',
    'ours f64',
    'ours f32',
    'naive',
    'tfjs-cpu',
    'ours/naive',
    'ours/tfjs',
    'f32/tfjs',
    'noise',
  ];
  const rows = results.map((r) => [
    r.label,
    r.gflops.oursFloat64.toFixed(2),
    r.gflops.oursFloat32.toFixed(2),
    r.gflops.naive.toFixed(2),
    r.gflops.tfjs.toFixed(2),
    `${r.ratios.oursOverNaive.toFixed(2)}x`,
    `${r.ratios.oursOverTfjs.toFixed(2)}x`,
    `${r.ratios.oursFloat32OverTfjs.toFixed(2)}x`,
    `±${(50 * Math.max(...Object.values(r.relativeIqr))).toFixed(0)}%`,
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((row) => (row[i] as string).length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, i) =>
        i === 0 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number),
      )
      .join('  ');
  return [
    'GEMM, GFLOP/s (median; higher is better). ours = @mlisp/tensor gemm, ratios use ours f64.',
    'noise = half the largest interquartile range of the four timings, relative to its median.',
    line(header),
    ...rows.map(line),
  ].join('\n');
}
