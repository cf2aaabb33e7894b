// A whole epoch of mini-batch SGD in linear memory. The host writes a plan (sizes, pointers, each
// thread's neuron ranges) once per run; each thread calls epoch32 / epoch64 with its index, and
// the threads meet at barriers in shared memory between phases that need each other's work.

import { batchCost } from './costs';
import { dropout } from './dropout';
import { finiteCheck, forward, outputDelta, scaleWeights, softmaxDelta, softmaxRows } from './kernels';
import { ACT_LINEAR } from './activations';
export { ACT_LEAKY_RELU, ACT_LINEAR, ACT_RELU, ACT_SIGMOID, ACT_TANH } from './activations';
import { catchUp, deltaBelow, liveSamples, updateBiases, updateWeights } from './backward';
import { expandPixels, pixelBytes } from './pixels';

/** The host's clock in milliseconds (performance.now): times the waits at barriers. */
// @ts-ignore: decorator
@external("env", "now") declare function now(): f64;

// The memory layout's one source (src/fast/layout.ts reads these). Plan header, 32-bit words:
export const P_LAYERS: i32 = 0; // L
export const P_THREADS: i32 = 1; // threads taking part
export const P_FLAGS: i32 = 2; // F_* bits
export const P_BARRIER: i32 = 3; // address: i32 arrivals, generation, sleepers, failure (B_FAILED)
export const P_INPUTS: i32 = 4; // training inputs, N x sizes[0]
export const P_TARGETS: i32 = 5; // training targets, N x sizes[L]
export const P_ORDER: i32 = 6; // the epoch's order, i32 x count
export const P_ROWS: i32 = 7; // per thread: batchSize input-, then target-row pointers
export const P_CAN_WAIT: i32 = 8; // bit t: thread t may atomic.wait (not a browser's main thread)
export const P_COSTS: i32 = 9; // f64 per mini-batch of the call: its mean cost (0: not computed)
export const P_DROP_KEY: i32 = 10; // dropout: the epoch's key (u32)
export const P_DROP_THRESHOLD: i32 = 11; // dropout: drop a neuron if its hash's top 24 bits < this
export const P_POSITION: i32 = 12; // dropout: epoch-order position of the call's first sample
export const P_DROP_SCALE: i32 = 14; // dropout: 1/(1 − p), an f64 in words 14 and 15
export const P_BYTES: i32 = 16; // 1: the next call's inputs are 8-bit pixels (pixels.ts), else T
export const P_SCRATCH: i32 = 17; // address of thread 0's scratch rows (expanded pixels)
export const P_SCRATCH_BYTES: i32 = 18; // bytes from one thread's scratch rows to the next's
export const P_SCRATCH_LD: i32 = 19; // row stride (values) of the scratch rows
export const P_WAITS: i32 = 20; // thread t's milliseconds waited at barriers: f64 at P_WAITS + 64t
export const P_PENDING: i32 = 21; // thread 0's lazy-momentum counters (i32 per 8 layer-1 inputs)
export const HEADER_WORDS: i32 = 22;
/** Barrier word a worker that failed sets (to its index): barriers then no longer wait. */
export const B_FAILED: i32 = 3;
// Bits of the plan's flags.
export const F_QUADRATIC: i32 = 1; // quadratic cost, else cross-entropy (F_SOFTMAX: log-likelihood)
export const F_SOFTMAX: i32 = 2; // softmax output layer and the log-likelihood cost
export const F_DENSE: i32 = 4; // no zero-skipping: every multiply runs
export const F_L1: i32 = 8; // L1 regularization (w ← w − (ηλ/n)·sgn(w) − …) instead of L2
export const F_DROPOUT: i32 = 16; // inverted dropout on the hidden neurons while training
// One layer's record, in 32-bit words.
export const L_IN: i32 = 0;
export const L_OUT: i32 = 1;
export const L_W: i32 = 2;
export const L_B: i32 = 3;
export const L_VW: i32 = 4;
export const L_VB: i32 = 5;
export const L_A: i32 = 6; // batchSize x nOut activations
export const L_D: i32 = 7; // batchSize x nOut deltas
export const L_ROWS: i32 = 8; // batchSize pointers to the rows of A
export const L_OWN: i32 = 9; // per thread t: first neuron at L_OWN + 2t, end at L_OWN + 2t + 1
export const L_LDA: i32 = 25; // row stride (values) of A and D
export const L_LDW: i32 = 26; // row stride (values) of W and VW
export const L_ACT: i32 = 27; // activation, ACT_* (the output layer's is ignored with F_SOFTMAX)
export const LAYER_WORDS: i32 = 32;
/** Most threads a plan has room for (2 words per thread per layer). */
export const MAX_THREADS: i32 = 8;

/** The 32-bit word `word` of the plan's header. */
// @ts-ignore: decorator
@inline function header(plan: usize, word: i32): i32 {
  return load<i32>(plan + (<usize>word << 2));
}

/** The 32-bit word `word` of layer l's record (l from 1). */
// @ts-ignore: decorator
@inline function field(plan: usize, l: i32, word: i32): i32 {
  return load<i32>(plan + (<usize>(HEADER_WORDS + (l - 1) * LAYER_WORDS + word) << 2));
}

// Spin limit before sleeping at a barrier (per thread: own instance, own global): a wait ending
// while spinning raises it a little; one that slept (partner not running: a busy machine) halves
// it. Phases last microseconds: idle machines never pay a wake-up; busy ones soon yield the core.
const MIN_SPINS = 10000;
const MAX_SPINS = 200000;
let spinLimit = MAX_SPINS;

/**
 * Returns once every thread has arrived (a generation-counting barrier): the last starts the next
 * generation and wakes sleepers; the others spin, then sleep in atomic.wait if they may, and add
 * their wait to their P_WAITS slot. Once a worker failed (B_FAILED), every barrier returns at once.
 */
function barrier(plan: usize, thread: i32): void {
  const threads = header(plan, P_THREADS);
  if (threads <= 1) return;
  if (ASC_FEATURE_THREADS) {
    const at = <usize>header(plan, P_BARRIER);
    const generation = atomic.load<i32>(at, 4);
    // A thread failed (see threads.ts): the call ends without it, and the host reports it. Read
    // after the generation: a failing worker marks this before moving the generation on.
    if (atomic.load<i32>(at + (B_FAILED << 2)) != 0) return;
    if (atomic.add<i32>(at, 1) == threads - 1) {
      atomic.store<i32>(at, 0);
      atomic.store<i32>(at, generation + 1, 4);
      if (atomic.load<i32>(at, 8) != 0) atomic.notify(at + 4, threads);
      return;
    }
    const canWait = (header(plan, P_CAN_WAIT) >> thread) & 1;
    const waited = now();
    let spins = 0;
    let slept = false;
    while (atomic.load<i32>(at, 4) == generation) {
      if (canWait != 0 && ++spins > spinLimit) {
        // Count sleepers first: the last thread then notifies or this wait sees the new generation.
        atomic.add<i32>(at, 1, 8);
        atomic.wait<i32>(at + 4, generation, -1);
        atomic.sub<i32>(at, 1, 8);
        slept = true;
      }
    }
    if (slept) spinLimit = max(MIN_SPINS, spinLimit >> 1);
    else spinLimit = min(MAX_SPINS, spinLimit + (spinLimit >> 3));
    // Each thread's waits (own cache line): the host moves work to the thread that waits.
    const total = <usize>header(plan, P_WAITS) + (<usize>thread << 6);
    store<f64>(total, load<f64>(total) + (now() - waited));
  }
}

/**
 * Address of input row r (at `inputs`, n0 values per row) as row i of thread `thread`'s batch:
 * the row itself, or for 8-bit pixels, the thread's scratch row i after expanding it there.
 */
// @ts-ignore: decorator
@inline function inputRow<T>(plan: usize, thread: i32, inputs: usize, r: usize, n0: i32, i: i32): usize {
  if (header(plan, P_BYTES) == 0) return inputs + r * <usize>n0 * sizeof<T>();
  const ldx = <usize>header(plan, P_SCRATCH_LD);
  const scratch = <usize>header(plan, P_SCRATCH) + <usize>thread * <usize>header(plan, P_SCRATCH_BYTES);
  const row = scratch + <usize>i * ldx * sizeof<T>();
  expandPixels<T>(inputs + r * <usize>n0, row, n0);
  return row;
}

function epoch<T>(
  plan: usize, thread: i32, count: i32, batchSize: i32, eta: f64, decay: f64, wd: f64, mu: f64,
): void {
  const size = sizeof<T>();
  const L = header(plan, P_LAYERS);
  const threads = header(plan, P_THREADS);
  const flags = header(plan, P_FLAGS);
  const quadratic = flags & F_QUADRATIC;
  const softmax = (flags & F_SOFTMAX) != 0;
  const skip = (flags & F_DENSE) == 0 ? 1 : 0;
  const costs = <usize>header(plan, P_COSTS);
  const costKind = quadratic != 0 ? 0 : softmax ? 2 : 1;
  const l1 = (flags & F_L1) != 0 ? 1 : 0;
  const dropping = (flags & F_DROPOUT) != 0;
  const dropKey = <u32>header(plan, P_DROP_KEY);
  const dropThreshold = <u32>header(plan, P_DROP_THRESHOLD);
  const position = header(plan, P_POSITION);
  const dropScale = load<f64>(plan + (<usize>P_DROP_SCALE << 2));
  const n0 = field(plan, 1, L_IN);
  const nL = field(plan, L, L_OUT);
  const inputs = <usize>header(plan, P_INPUTS);
  const targets = <usize>header(plan, P_TARGETS);
  const order = <usize>header(plan, P_ORDER);
  // Each thread's row tables start on their own 64-byte cache line.
  const tableBytes = (<usize>(2 * batchSize) * sizeof<usize>() + 63) & ~63;
  const rowX = <usize>header(plan, P_ROWS) + <usize>thread * tableBytes;
  const rowY = rowX + <usize>batchSize * sizeof<usize>();
  const own = L_OWN + 2 * thread;
  // float32 L2 decay without momentum is lazy: W holds W / s (s: the call's decays so far), sparing
  // writes to weights no live sample touches; foldScale folds s into W at the end. Calls start at
  // the same mini-batches however split or resumed: same bits. float64 is eager, as network.py; so
  // is a decay below 0.5 per mini-batch (odd λ): s would fall below 0.5^25 in a call.
  const lazy = sizeof<T>() == 4 && l1 == 0 && mu == 0 && decay < 1 && decay >= 0.5;
  // float32 L2 momentum is lazy too, in layer 1: a weight strip no input of a mini-batch reaches is
  // only counted, then caught up (catchUp) before a mini-batch that reaches it, and at the end.
  const pending = sizeof<T>() == 4 && l1 == 0 && mu > 0
    ? <usize>header(plan, P_PENDING) + <usize>thread * <usize>header(plan, P_SCRATCH_BYTES)
    : 0;
  let scale: f64 = 1;
  for (let start = 0; start < count; start += batchSize) {
    const m = start + batchSize <= count ? batchSize : count - start;
    const lr = <T>(eta / m);
    const lrW = lazy ? <T>(eta / m / (scale * decay)) : lr;
    for (let i = 0; i < m; i++) {
      const r = <usize>load<i32>(order + (<usize>(start + i) << 2));
      store<usize>(rowX + (<usize>i << alignof<usize>()), inputRow<T>(plan, thread, inputs, r, n0, i));
      store<usize>(rowY + (<usize>i << alignof<usize>()), targets + r * <usize>nL * size);
    }
    if (pending != 0) catchUpStrips<T>(plan, own, pending, rowX, m, false, <T>mu, <T>wd);
    for (let l = 1; l <= L; l++) {
      const rows = l == 1 ? rowX : <usize>field(plan, l - 1, L_ROWS);
      const j0 = field(plan, l, own);
      const j1 = field(plan, l, own + 1);
      const A = <usize>field(plan, l, L_A);
      const last = l == L;
      const lda = field(plan, l, L_LDA);
      const act = field(plan, l, L_ACT);
      forward<T>(rows, m, field(plan, l, L_IN), field(plan, l, L_W), field(plan, l, L_LDW), field(plan, l, L_B), j0, j1, A, lda, last && softmax ? ACT_LINEAR : act, skip);
      if (last && !softmax) outputDelta<T>(A, rowY, field(plan, l, L_D), m, lda, j0, j1, quadratic, act);
      if (!last && dropping) {
        dropout<T>(A, field(plan, l, L_D), m, lda, j0, j1, act, l, dropKey, position + start, dropThreshold, dropScale);
      }
      barrier(plan, thread);
    }
    if (softmax) {
      if (thread == 0) softmaxDelta<T>(field(plan, L, L_A), rowY, field(plan, L, L_D), m, nL, field(plan, L, L_LDA));
      barrier(plan, thread);
    }
    // Mean cost from A^L, by thread 0 alone: the others go on backward, which leaves A^L as it is.
    if (costs != 0 && thread == 0) {
      const c = batchCost<T>(field(plan, L, L_A), rowY, m, nL, field(plan, L, L_LDA), costKind);
      store<f64>(costs + (<usize>(start / batchSize) << 3), c / m);
    }
    for (let l = L; l >= 1; l--) {
      const nIn = field(plan, l, L_IN);
      const nOut = field(plan, l, L_OUT);
      const W = <usize>field(plan, l, L_W);
      const ldw = field(plan, l, L_LDW);
      const D = <usize>field(plan, l, L_D);
      const ldd = field(plan, l, L_LDA);
      const j0 = field(plan, l, own);
      const j1 = field(plan, l, own + 1);
      updateBiases<T>(D, m, ldd, field(plan, l, L_B), field(plan, l, L_VB), j0, j1, lr, <T>mu);
      if (l > 1) {
        // This thread owns neurons [k0, k1) of the layer below: their δ, and columns [k0, k1) of W.
        const k0 = field(plan, l - 1, own);
        const k1 = field(plan, l - 1, own + 1);
        const ldb = field(plan, l - 1, L_LDA);
        deltaBelow<T>(D, m, nOut, ldd, W, ldw, k0, k1, field(plan, l - 1, L_A), field(plan, l - 1, L_D), ldb, field(plan, l - 1, L_ACT), dropping ? 1 : 0);
        updateWeights<T>(D, m, ldd, field(plan, l - 1, L_ROWS), W, ldw, field(plan, l, L_VW), 0, nOut, k0, k1, lrW, lazy ? 1 : <T>decay, lazy ? 0 : <T>wd, <T>mu, skip, l1, 0);
        if (l - 1 > 1) barrier(plan, thread);
      } else {
        updateWeights<T>(D, m, ldd, rowX, W, ldw, field(plan, l, L_VW), j0, j1, 0, nIn, lrW, lazy ? 1 : <T>decay, lazy ? 0 : <T>wd, <T>mu, skip, l1, pending);
      }
    }
    if (lazy) scaleWeights((scale *= decay));
  }
  if (pending != 0) catchUpStrips<T>(plan, own, pending, rowX, 0, true, <T>mu, <T>wd);
  if (threads > 1) barrier(plan, thread);
  if (lazy) {
    foldScale<T>(plan, own, scale);
    if (threads > 1) barrier(plan, thread);
  }
}

/**
 * Runs catchUp on the thread's layer-1 weight strips with counted mini-batches that a sample of the
 * batch at `rows` reaches, before the forward pass; with `all` (a call's end), on all.
 */
function catchUpStrips<T>(plan: usize, own: i32, pending: usize, rows: usize, m: i32, all: bool, mu: T, wd: T): void {
  const W = <usize>field(plan, 1, L_W);
  const rowW = <usize>field(plan, 1, L_LDW) * sizeof<T>();
  const velocity = <usize>field(plan, 1, L_VW) - W;
  const j0 = field(plan, 1, own);
  const j1 = field(plan, 1, own + 1);
  for (let k = 0; k + 8 <= field(plan, 1, L_IN); k += 8) {
    const at = pending + (<usize>(k >> 3) << 2);
    const o = <usize>k * sizeof<T>();
    if (load<i32>(at) != 0 && (all || m > 64 || liveSamples(rows, 0, m, o, 1) != 0)) {
      catchUp<T>(W, rowW, velocity, j0, j1, o, at, mu, wd);
    }
  }
}

/** W ← s·W for the rows (neurons) of each layer's W the thread owns; then the scale is 1 again. */
function foldScale<T>(plan: usize, own: i32, s: f64): void {
  const by = v128.splat<T>(<T>s);
  for (let l = 1; l <= header(plan, P_LAYERS); l++) {
    const ldw = field(plan, l, L_LDW);
    const end = <usize>field(plan, l, L_W) + <usize>(field(plan, l, own + 1) * ldw) * sizeof<T>();
    for (let p = <usize>field(plan, l, L_W) + <usize>(field(plan, l, own) * ldw) * sizeof<T>(); p < end; p += 16) {
      v128.store(p, v128.mul<T>(v128.load(p), by));
    }
  }
  scaleWeights(1);
}

/** One epoch in float32 (f32x4) as thread `thread` of the plan's threads. */
export function epoch32(plan: usize, thread: i32, count: i32, batchSize: i32, eta: f64, decay: f64, wd: f64, mu: f64): void {
  epoch<f32>(plan, thread, count, batchSize, eta, decay, wd, mu);
}
/** One epoch in float64 (f64x2) as thread `thread` of the plan's threads. */
export function epoch64(plan: usize, thread: i32, count: i32, batchSize: i32, eta: f64, decay: f64, wd: f64, mu: f64): void {
  epoch<f64>(plan, thread, count, batchSize, eta, decay, wd, mu);
}

/**
 * Output activations of `count` consecutive rows at `inputs` (sizes[0] values each) into `out`
 * (sizes[L] each), `batchSize` rows at a time. Threads compute their neurons of each layer (the
 * same instructions as on one thread), then a barrier; thread 0 applies softmax, copies to `out`.
 */
function forwardSet<T>(plan: usize, thread: i32, inputs: usize, count: i32, batchSize: i32, out: usize): void {
  const size = sizeof<T>();
  const L = header(plan, P_LAYERS);
  const threads = header(plan, P_THREADS);
  const softmax = (header(plan, P_FLAGS) & F_SOFTMAX) != 0;
  const skip = (header(plan, P_FLAGS) & F_DENSE) == 0 ? 1 : 0;
  const n0 = field(plan, 1, L_IN);
  const nL = field(plan, L, L_OUT);
  const A = <usize>field(plan, L, L_A);
  const lda = field(plan, L, L_LDA);
  const tableBytes = (<usize>(2 * batchSize) * sizeof<usize>() + 63) & ~63;
  const rowX = <usize>header(plan, P_ROWS) + <usize>thread * tableBytes;
  const own = L_OWN + 2 * thread;
  for (let start = 0; start < count; start += batchSize) {
    const m = start + batchSize <= count ? batchSize : count - start;
    for (let i = 0; i < m; i++) {
      store<usize>(rowX + (<usize>i << alignof<usize>()), inputRow<T>(plan, thread, inputs, <usize>(start + i), n0, i));
    }
    for (let l = 1; l <= L; l++) {
      const rows = l == 1 ? rowX : <usize>field(plan, l - 1, L_ROWS);
      const act = l == L && softmax ? ACT_LINEAR : field(plan, l, L_ACT);
      forward<T>(rows, m, field(plan, l, L_IN), field(plan, l, L_W), field(plan, l, L_LDW), field(plan, l, L_B), field(plan, l, own), field(plan, l, own + 1), field(plan, l, L_A), field(plan, l, L_LDA), act, skip);
      barrier(plan, thread);
    }
    if (thread == 0) {
      if (softmax) softmaxRows<T>(A, m, nL, lda);
      for (let i = 0; i < m; i++) {
        const src = A + <usize>(i * lda) * size;
        const dst = out + <usize>(start + i) * <usize>nL * size;
        for (let j = 0; j < nL; j++) store<T>(dst + <usize>j * size, load<T>(src + <usize>j * size));
      }
    }
    // The next batch's layers overwrite A^L only after this barrier.
    if (threads > 1) barrier(plan, thread);
  }
}

/** Output activations of `count` consecutive rows in float32 (see forwardSet). */
export function forwardSet32(plan: usize, thread: i32, inputs: usize, count: i32, batchSize: i32, out: usize): void {
  forwardSet<f32>(plan, thread, inputs, count, batchSize, out);
}
/** Output activations of `count` consecutive rows in float64 (see forwardSet). */
export function forwardSet64(plan: usize, thread: i32, inputs: usize, count: i32, batchSize: i32, out: usize): void {
  forwardSet<f64>(plan, thread, inputs, count, batchSize, out);
}

/** 1 if every weight and bias is finite, else 0 (W's rows are scanned with their zero padding). */
function allFinite<T>(plan: usize): i32 {
  const L = header(plan, P_LAYERS);
  let s: T = 0;
  for (let l = 1; l <= L; l++) {
    const nOut = field(plan, l, L_OUT);
    s += finiteCheck<T>(<usize>field(plan, l, L_W), nOut * field(plan, l, L_LDW));
    s += finiteCheck<T>(<usize>field(plan, l, L_B), nOut);
  }
  return s == 0 ? 1 : 0;
}

/** allFinite of float32 parameters. */
export function allFinite32(plan: usize): i32 {
  return allFinite<f32>(plan);
}
/** allFinite of float64 parameters. */
export function allFinite64(plan: usize): i32 {
  return allFinite<f64>(plan);
}

/** pixelBytes of float32 values (see pixels.ts). */
export function pixelBytes32(src: usize, count: i32, dst: usize): i32 {
  return pixelBytes<f32>(src, count, dst);
}
/** pixelBytes of float64 values (see pixels.ts). */
export function pixelBytes64(src: usize, count: i32, dst: usize): i32 {
  return pixelBytes<f64>(src, count, dst);
}

/** First free byte after the module's static data: the host lays out its buffers from here. */
export function heapBase(): usize {
  return __heap_base;
}
