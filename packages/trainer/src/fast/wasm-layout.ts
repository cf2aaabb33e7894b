import type { EngineConfig } from './config.js';

// Where everything lives in the kernels' linear memory. The words of the
// plan must match assembly/index.ts.

/** Plan header words (see assembly/index.ts). */
export const PLAN = {
  layers: 0,
  threads: 1,
  flags: 2,
  barrier: 3,
  inputs: 4,
  targets: 5,
  order: 6,
  rows: 7,
  canWait: 8,
  headerWords: 16,
} as const;

/** Layer record words (see assembly/index.ts). */
export const LAYER = {
  nIn: 0,
  nOut: 1,
  W: 2,
  b: 3,
  VW: 4,
  Vb: 5,
  A: 6,
  D: 7,
  rows: 8,
  own: 9,
  lda: 25,
  ldw: 26,
  words: 32,
} as const;

/** Most threads a plan has room for (2 words per thread per layer). */
export const MAX_THREADS = 8;

/** Byte addresses of one layer's arrays. */
export interface LayerAddresses {
  readonly nIn: number;
  readonly nOut: number;
  /** Row stride (values) of A and D: nOut rounded up to whole cache lines. */
  readonly lda: number;
  /** Row stride (values) of W and VW: nIn rounded up to whole cache lines. */
  readonly ldw: number;
  readonly W: number;
  readonly b: number;
  readonly VW: number;
  readonly Vb: number;
  readonly A: number;
  readonly D: number;
  readonly rows: number;
}

/** The fixed part of the memory (everything but the training set). */
export interface MemoryLayout {
  readonly plan: number;
  /** 64 bytes for the barrier, then 64 bytes of worker control (see threads.ts). */
  readonly barrier: number;
  readonly control: number;
  readonly rows: number;
  readonly layers: readonly LayerAddresses[];
  /** First byte of the training-set region. */
  readonly dataStart: number;
}

const align = (x: number, to = 64): number => Math.ceil(x / to) * to;

/**
 * Row length rounded up to 16 values (64 bytes in float32, 128 in float64):
 * rows start on cache lines, so threads that own different 16-value column
 * blocks never write the same line.
 */
const padded = (n: number): number => Math.ceil(n / 16) * 16;

/**
 * Bytes left free between `base` and the plan: one page and five cache lines.
 * V8 often places a WebAssembly memory at an address aligned to 64 MiB (in a
 * worker thread: just below its malloc arena), and the sample-row tables, read
 * for every pair of rows in every layer, then sat a few hundred bytes past that
 * boundary, where something else the thread uses all the time evidently sits
 * too (measured on an AMD EPYC VM; the other party was not identified): an
 * epoch of `mlisp train` in its worker took 0.20 s instead of 0.17 s (workload
 * B, dense kernels; 0.13 s instead of 0.10 s on two threads), and with the
 * zero-skipping kernels 4–8% (one thread) and up to 16% (two) longer. Moving
 * the tables alone by a page or a few lines, or the memory off the boundary,
 * restores the speed (moving the layers or the training set does not); the
 * skew moves everything, so no layout starts right at the boundary.
 */
export const LAYOUT_SKEW = 4096 + 5 * 64;

/** Lays out plan, parameters and batch buffers from `base + LAYOUT_SKEW` on. */
export function layoutMemory(config: EngineConfig, base: number, threads: number): MemoryLayout {
  const size = config.dtype === 'float32' ? 4 : 8;
  const { sizes, batchSize, momentum } = config;
  const L = sizes.length - 1;
  let top = align(base + LAYOUT_SKEW);
  const take = (bytes: number): number => {
    const at = top;
    top = align(top + bytes);
    return at;
  };
  const plan = take((PLAN.headerWords + L * LAYER.words) * 4);
  const barrier = take(64);
  const control = take(128);
  // Per thread: batchSize input-row and batchSize target-row pointers, each table on its own cache lines.
  const rows = take(threads * align(2 * batchSize * 4));
  const layers: LayerAddresses[] = [];
  for (let l = 1; l <= L; l++) {
    const nIn = sizes[l - 1] as number;
    const nOut = sizes[l] as number;
    const lda = padded(nOut);
    const ldw = padded(nIn);
    layers.push({
      nIn,
      nOut,
      lda,
      ldw,
      W: take(nOut * ldw * size),
      b: take(nOut * size),
      VW: momentum === 0 ? 0 : take(nOut * ldw * size),
      Vb: momentum === 0 ? 0 : take(nOut * size),
      A: take(batchSize * lda * size),
      D: take(batchSize * lda * size),
      rows: take(batchSize * 4),
    });
  }
  return { plan, barrier, control, rows, layers, dataStart: top };
}

/**
 * Thread t's neurons [start, end) of a layer of n: contiguous ranges that
 * start at multiples of 8, so a vector (or pair of vectors) never straddles
 * two threads and every value is computed by the same instructions as on one
 * thread.
 */
export function ownRange(n: number, threads: number, t: number): [number, number] {
  const chunk = Math.ceil(n / threads / 8) * 8;
  return [Math.min(n, t * chunk), Math.min(n, (t + 1) * chunk)];
}

/**
 * Writes the plan's words (not the training-set addresses; see
 * {@link writeDataAddresses}). Bit t of `canWait` lets thread t sleep at a
 * barrier instead of spinning.
 */
export function writePlan(
  words: Int32Array,
  layout: MemoryLayout,
  config: EngineConfig,
  threads: number,
  canWait: number,
): void {
  const h = layout.plan >> 2;
  const L = layout.layers.length;
  words.fill(0, h, h + PLAN.headerWords + L * LAYER.words);
  words[h + PLAN.layers] = L;
  words[h + PLAN.threads] = threads;
  words[h + PLAN.flags] =
    (config.quadratic ? 1 : 0) | (config.softmax ? 2 : 0) | (config.skipZeros ? 0 : 4);
  words[h + PLAN.barrier] = layout.barrier;
  words[h + PLAN.rows] = layout.rows;
  words[h + PLAN.canWait] = canWait;
  const size = config.dtype === 'float32' ? 4 : 8;
  layout.layers.forEach((a, index) => {
    const r = h + PLAN.headerWords + index * LAYER.words;
    words[r + LAYER.nIn] = a.nIn;
    words[r + LAYER.nOut] = a.nOut;
    words[r + LAYER.W] = a.W;
    words[r + LAYER.b] = a.b;
    words[r + LAYER.VW] = a.VW;
    words[r + LAYER.Vb] = a.Vb;
    words[r + LAYER.A] = a.A;
    words[r + LAYER.D] = a.D;
    words[r + LAYER.rows] = a.rows;
    words[r + LAYER.lda] = a.lda;
    words[r + LAYER.ldw] = a.ldw;
    for (let t = 0; t < threads; t++) {
      const [start, end] = ownRange(a.nOut, threads, t);
      words[r + LAYER.own + 2 * t] = start;
      words[r + LAYER.own + 2 * t + 1] = end;
    }
    for (let i = 0; i < config.batchSize; i++) words[(a.rows >> 2) + i] = a.A + i * a.lda * size;
  });
}

/** Training-set region: the order, then inputs and targets. Returns its end. */
export function dataAddresses(
  layout: MemoryLayout,
  config: EngineConfig,
  rows: number,
): { order: number; inputs: number; targets: number; end: number } {
  const size = config.dtype === 'float32' ? 4 : 8;
  const n0 = config.sizes[0] as number;
  const nL = config.sizes[config.sizes.length - 1] as number;
  const order = layout.dataStart;
  const inputs = align(order + rows * 4);
  const targets = align(inputs + rows * n0 * size);
  return { order, inputs, targets, end: align(targets + rows * nL * size) };
}

/** Stores the training-set addresses in the plan. */
export function writeDataAddresses(
  words: Int32Array,
  layout: MemoryLayout,
  at: { order: number; inputs: number; targets: number },
): void {
  const h = layout.plan >> 2;
  words[h + PLAN.inputs] = at.inputs;
  words[h + PLAN.targets] = at.targets;
  words[h + PLAN.order] = at.order;
}
