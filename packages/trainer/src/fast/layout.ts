import type { FloatArray } from '@mlisp/tensor';
import { dropThreshold } from '../dropout.js';
import type { EngineConfig } from './config.js';
import { LAYOUT } from './generated/wasm-kernels.js';

// Where everything lives in the kernels' linear memory. The plan's words, flags and activation
// codes are assembly/index.ts's exports (LAYOUT, generated from the built module), not copies.

/** Most threads a plan has room for (2 words per thread per layer). */
export const MAX_THREADS: number = LAYOUT.MAX_THREADS;

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
  /** Layer 1 only, with tiled inputs: entry p is the input column stored at p (see inputOrder). */
  readonly columns?: Int32Array;
}

/** The fixed part of the memory (everything but the training set). */
export interface MemoryLayout {
  readonly plan: number;
  /** 64 bytes for the barrier; `control`: 128 bytes of worker control (see threads.ts). */
  readonly barrier: number;
  readonly control: number;
  /** Per thread, 64 bytes apart: f64 milliseconds it waited at barriers in the last call. */
  readonly waits: number;
  readonly rows: number;
  /** Per thread, `scratchBytes` apart: scratch rows that 8-bit pixel inputs are expanded into. */
  readonly scratch: number;
  readonly scratchBytes: number;
  /** Thread 0's lazy-momentum counters (in its scratch block; thread t's `scratchBytes`·t later). */
  readonly pending: number;
  /** Row stride (values) of the scratch rows: sizes[0] rounded up to whole cache lines. */
  readonly ldx: number;
  readonly layers: readonly LayerAddresses[];
  /** First byte of the training-set region. */
  readonly dataStart: number;
}

const align = (x: number, to = 64): number => Math.ceil(x / to) * to;

/**
 * Storage order of input rows (and layer 1's columns): an s x s image (s a multiple of 4, as
 * MNIST's 28 x 28) goes in 4 x 2 tiles (rows x columns), so the vectors the kernels skip when all 0
 * are compact patches (MNIST: 31% of 8-value strips live, not 39% along rows); else undefined.
 */
export function inputOrder(n: number): Int32Array | undefined {
  const s = Math.round(Math.sqrt(n));
  if (s * s !== n || s % 4 !== 0) return undefined;
  const order = new Int32Array(n);
  let p = 0;
  for (let r = 0; r < s; r += 4) {
    for (let c = 0; c < s; c += 2) {
      for (let i = r; i < r + 4; i++) for (let j = c; j < c + 2; j++) order[p++] = i * s + j;
    }
  }
  return order;
}

/**
 * Row length rounded up to 16 values (64 bytes in float32, 128 in float64): rows start on cache
 * lines, so threads owning different 16-value column blocks never write the same line.
 */
const padded = (n: number): number => Math.ceil(n / 16) * 16;

/**
 * Bytes left free between `base` and the plan. V8 often puts a WebAssembly memory at a
 * 64 MiB-aligned address (in a worker: just below its malloc arena); the sample-row tables, read
 * for every pair of rows in every layer, then sat a few hundred bytes past it, evidently where
 * something else the thread uses constantly sits too (not identified; AMD EPYC VM). An epoch of
 * `mlisp train` (workload B, dense kernels) in its worker took 0.20 s, not 0.17 s (two threads:
 * 0.13 s, not 0.10 s); with zero-skipping kernels 4–8% (one thread) and up to 16% (two) longer.
 * Moving only the tables by a page or a few lines, or the memory off the boundary, restores the
 * speed (moving the layers or training set does not); the skew moves everything off the boundary.
 */
export const LAYOUT_SKEW = 4096 + 5 * 64;

/** Least rows of a forward-only evaluation batch: more than a mini-batch, so fewer barriers. */
export const EVALUATION_ROWS = 64;
/** Rows the batch buffers hold: a training mini-batch or an evaluation batch. */
export function bufferRows(config: EngineConfig): number {
  return Math.max(config.batchSize, EVALUATION_ROWS);
}

/** Lays out plan, parameters and batch buffers from `base + LAYOUT_SKEW` on. */
export function layoutMemory(config: EngineConfig, base: number, threads: number): MemoryLayout {
  const size = config.dtype === 'float32' ? 4 : 8;
  const { sizes, momentum } = config;
  const batchSize = bufferRows(config);
  const L = sizes.length - 1;
  let top = align(base + LAYOUT_SKEW);
  const take = (bytes: number): number => {
    const at = top;
    top = align(top + bytes);
    return at;
  };
  const plan = take((LAYOUT.HEADER_WORDS + L * LAYOUT.LAYER_WORDS) * 4);
  const barrier = take(64);
  const control = take(128);
  const waits = take(threads * 64);
  // Per thread: batchSize input-row and target-row pointers, each table on its own cache lines.
  const rows = take(threads * align(2 * batchSize * 4));
  const ldx = padded(sizes[0] as number);
  // Per thread: the scratch rows, then the lazy-momentum counters (an i32 per 8 inputs of layer 1).
  const rowBytes = align(batchSize * ldx * size);
  const scratchBytes = rowBytes + align(Math.ceil((sizes[0] as number) / 8) * 4);
  const scratch = take(threads * scratchBytes);
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
      columns: l === 1 ? inputOrder(nIn) : undefined,
    });
  }
  return {
    plan,
    barrier,
    control,
    waits,
    rows,
    scratch,
    scratchBytes,
    pending: scratch + rowBytes,
    ldx,
    layers,
    dataStart: top,
  };
}

/**
 * Thread t's neurons [start, end) of a layer of n when thread u is to have about shares[u] of
 * every layer: contiguous ranges starting at multiples of 8, so no vector (or pair of vectors)
 * straddles two threads and every value is computed by the same instructions as on one thread.
 */
export function ownRange(n: number, shares: readonly number[], t: number): [number, number] {
  let before = 0;
  for (let u = 0; u < t; u++) before += shares[u] as number;
  const total = before + (shares[t] as number);
  const sum = shares.reduce((a, b) => a + b, 0);
  const at = (share: number): number => Math.min(n, Math.round((n * share) / sum / 8) * 8);
  return [at(before), t === shares.length - 1 ? n : at(total)];
}

/**
 * Writes the plan's words (not the training-set addresses, which the engine writes) for
 * `shares.length` threads, thread t owning about shares[t] of each layer's neurons
 * ({@link ownRange}). Bit t of `canWait` lets thread t sleep at a barrier instead of spinning.
 */
export function writePlan(
  words: Int32Array,
  layout: MemoryLayout,
  config: EngineConfig,
  shares: readonly number[],
  canWait: number,
): void {
  const K = LAYOUT;
  const threads = shares.length;
  const h = layout.plan >> 2;
  const L = layout.layers.length;
  words.fill(0, h, h + K.HEADER_WORDS + L * K.LAYER_WORDS);
  words[h + K.P_LAYERS] = L;
  words[h + K.P_THREADS] = threads;
  words[h + K.P_FLAGS] =
    (config.cost === 'quadratic' ? K.F_QUADRATIC : 0) |
    (config.cost === 'log-likelihood' ? K.F_SOFTMAX : 0) |
    (config.skipZeros ? 0 : K.F_DENSE) |
    (config.regularization === 'l1' ? K.F_L1 : 0) |
    (config.dropout > 0 ? K.F_DROPOUT : 0);
  words[h + K.P_DROP_THRESHOLD] = dropThreshold(config.dropout);
  new Float64Array(words.buffer, layout.plan + K.P_DROP_SCALE * 4, 1)[0] = 1 / (1 - config.dropout);
  words[h + K.P_BARRIER] = layout.barrier;
  words[h + K.P_ROWS] = layout.rows;
  words[h + K.P_CAN_WAIT] = canWait;
  words[h + K.P_SCRATCH] = layout.scratch;
  words[h + K.P_SCRATCH_BYTES] = layout.scratchBytes;
  words[h + K.P_SCRATCH_LD] = layout.ldx;
  words[h + K.P_WAITS] = layout.waits;
  words[h + K.P_PENDING] = layout.pending;
  const size = config.dtype === 'float32' ? 4 : 8;
  layout.layers.forEach((a, index) => {
    const r = h + K.HEADER_WORDS + index * K.LAYER_WORDS;
    words[r + K.L_IN] = a.nIn;
    words[r + K.L_OUT] = a.nOut;
    words[r + K.L_W] = a.W;
    words[r + K.L_B] = a.b;
    words[r + K.L_VW] = a.VW;
    words[r + K.L_VB] = a.Vb;
    words[r + K.L_A] = a.A;
    words[r + K.L_D] = a.D;
    words[r + K.L_ROWS] = a.rows;
    words[r + K.L_LDA] = a.lda;
    words[r + K.L_LDW] = a.ldw;
    words[r + K.L_ACT] = config.activations[index] as number;
    for (let t = 0; t < threads; t++) {
      const [start, end] = ownRange(a.nOut, shares, t);
      words[r + K.L_OWN + 2 * t] = start;
      words[r + K.L_OWN + 2 * t + 1] = end;
    }
    for (let i = 0; i < bufferRows(config); i++) words[(a.rows >> 2) + i] = a.A + i * a.lda * size;
  });
}

/** Addresses of the training-set region: the order, the per-batch costs, inputs and targets. */
export interface DataAddresses {
  readonly order: number;
  readonly costs: number;
  readonly inputs: number;
  readonly targets: number;
  readonly end: number;
}
/** Training-set region of `rows` samples; inputs 8-bit pixels if `pixels` (assembly/pixels.ts). */
export function dataAddresses(
  layout: MemoryLayout,
  config: EngineConfig,
  rows: number,
  pixels: boolean,
): DataAddresses {
  const size = config.dtype === 'float32' ? 4 : 8;
  const n0 = config.sizes[0] as number;
  const nL = config.sizes[config.sizes.length - 1] as number;
  const order = layout.dataStart;
  const costs = align(order + rows * 4);
  const inputs = align(costs + Math.ceil(rows / config.batchSize) * 8);
  const targets = align(inputs + rows * n0 * (pixels ? 1 : size));
  return { order, costs, inputs, targets, end: align(targets + rows * nL * size) };
}

/** Header words of the plan that the engine sets between calls (LAYOUT's names). */
type CallWord =
  | 'P_INPUTS'
  | 'P_TARGETS'
  | 'P_ORDER'
  | 'P_COSTS'
  | 'P_BYTES'
  | 'P_DROP_KEY'
  | 'P_POSITION';
/**
 * Sets plan header words: the training set's addresses (P_INPUTS, P_TARGETS, P_ORDER;
 * {@link dataAddresses}) and per call P_COSTS (per-batch costs, 0: none), P_BYTES (1: 8-bit
 * pixels), P_DROP_KEY and P_POSITION (the call's first sample's epoch position).
 */
export function writeWords(
  words: Int32Array,
  layout: MemoryLayout,
  values: Partial<Record<CallWord, number>>,
): void {
  const h = layout.plan >> 2;
  for (const [name, value] of Object.entries(values)) words[h + LAYOUT[name as CallWord]] = value;
}

/**
 * Copies a layer's weights between linear memory (`rows`: nOut rows ldw values apart, columns in
 * order `a.columns`) and a dense nOut x nIn array, converting float64/float32 as assignment does.
 */
export function copyWeightRows(
  rows: FloatArray,
  a: LayerAddresses,
  dense: FloatArray,
  into: 'in' | 'out',
): void {
  const order = a.columns;
  for (let j = 0; j < a.nOut; j++) {
    const d = j * a.nIn;
    const r = j * a.ldw;
    if (order === undefined) {
      if (into === 'in') rows.set(dense.subarray(d, d + a.nIn), r);
      else dense.set(rows.subarray(r, r + a.nIn), d);
    } else if (into === 'in') {
      for (let p = 0; p < a.nIn; p++) rows[r + p] = dense[d + (order[p] as number)] as number;
    } else for (let p = 0; p < a.nIn; p++) dense[d + (order[p] as number)] = rows[r + p] as number;
  }
}

/** Copies every layer's W and b from `from`'s addresses to `to`'s (one config: same strides). */
export function copyParameters(
  memory: WebAssembly.Memory,
  from: MemoryLayout,
  to: MemoryLayout,
  size: number,
): void {
  const bytes = new Uint8Array(memory.buffer);
  from.layers.forEach((a, l) => {
    const b = to.layers[l] as LayerAddresses;
    bytes.copyWithin(b.W, a.W, a.W + a.nOut * a.ldw * size);
    bytes.copyWithin(b.b, a.b, a.b + a.nOut * size);
  });
}
