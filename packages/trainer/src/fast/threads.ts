import { LAYOUT } from './generated/wasm-kernels.js';
import type { ThreadChoice } from './thread-choice.js';
import type { FastWorker, WorkerFactory } from './types.js';
import type { WasmEpochEngine } from './wasm-engine.js';

// Worker threads for the wasm paths. Each worker instantiates the kernel module on the engine's
// shared memory and waits on a control word. Per epoch the main thread only bumps the word and
// notifies (microseconds per worker); all threads run the epoch, meeting at the kernels' barriers.
// Control block (i32 words at layout.control): 0 generation, 1 command (1 epoch, 2 stop, 3 forward
// pass), 2 sample count, 3 batch size, 4 element bits (32 or 64), 5/6 forward-pass inputs/outputs
// and 25 its plan (0: the engine's), 7 the worker running the call alone as thread 0 (0: none) and
// 24 the generation it finished, 8 + t thread t's ready flag; f64 at byte 64: eta, decay, wd, mu.

const C_GENERATION = 0;
const C_COMMAND = 1;
const C_COUNT = 2;
const C_BATCH = 3;
const C_BITS = 4;
const C_INPUTS = 5;
const C_OUT = 6;
const C_SOLO = 7;
const C_READY = 8;
const C_DONE = 24;
const C_PLAN = 25;
const COMMAND_EPOCH = 1;
const COMMAND_STOP = 2;
const COMMAND_FORWARD = 3;

/** The worker's script: plain JavaScript run as a node worker (`eval: true`) or a Web Worker. */
export const WORKER_SOURCE = `'use strict';
// Node: process.getBuiltinModule works whether this runs as CommonJS or (--input-type=module) ESM.
const isNode = typeof process === 'object' && typeof process.getBuiltinModule === 'function';
const port = isNode ? process.getBuiltinModule('node:worker_threads').parentPort : self;
const listen = (handler) => isNode ? port.on('message', handler) : (self.onmessage = (e) => handler(e.data));
listen((message) => {
  const { module, memory, plan, control, thread } = message;
  const kernels = new WebAssembly.Instance(module, { env: { memory, abort() {}, now: () => performance.now() } }).exports;
  const ctl = new Int32Array(memory.buffer, control, 32);
  const args = new Float64Array(memory.buffer, control + 64, 4);
  // Read the generation before saying 'ready': the main thread bumps it only after that.
  let seen = Atomics.load(ctl, ${C_GENERATION});
  Atomics.store(ctl, ${C_READY} + thread, 1);
  port.postMessage('ready');
  for (;;) {
    Atomics.wait(ctl, ${C_GENERATION}, seen);
    seen = Atomics.load(ctl, ${C_GENERATION});
    const command = Atomics.load(ctl, ${C_COMMAND});
    if (command === ${COMMAND_STOP}) break;
    const solo = ctl[${C_SOLO}];
    if (solo !== 0 && solo !== thread) continue;
    const as = solo === thread ? 0 : thread;
    try {
      const f32 = ctl[${C_BITS}] === 32;
      if (command === ${COMMAND_FORWARD}) {
        const run = f32 ? kernels.forwardSet32 : kernels.forwardSet64;
        const on = ctl[${C_PLAN}] !== 0 ? ctl[${C_PLAN}] : plan;
        run(on, as, ctl[${C_INPUTS}], ctl[${C_COUNT}], ctl[${C_BATCH}], ctl[${C_OUT}]);
      } else {
        const run = f32 ? kernels.epoch32 : kernels.epoch64;
        run(plan, as, ctl[${C_COUNT}], ctl[${C_BATCH}], args[0], args[1], args[2], args[3]);
      }
    } catch (error) {
      // Release the caller: the barriers stop waiting, a lone call is done; the host reports it.
      const words = new Int32Array(memory.buffer);
      const barrier = words[(plan >> 2) + ${LAYOUT.P_BARRIER}] >> 2;
      Atomics.store(words, barrier + ${LAYOUT.B_FAILED}, thread);
      Atomics.add(words, barrier + 1, 1);
      Atomics.notify(words, barrier + 1);
      Atomics.store(ctl, ${C_DONE}, seen);
      Atomics.notify(ctl, ${C_DONE});
      port.postMessage('error: ' + (error && error.message));
      break;
    }
    if (solo === thread) {
      Atomics.store(ctl, ${C_DONE}, seen);
      Atomics.notify(ctl, ${C_DONE});
    }
  }
  if (isNode) port.close();
});
`;

/** True when running in Node (where worker_threads exists). */
function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}
interface NodeWorker {
  postMessage(message: unknown): void;
  on(event: 'message' | 'error', handler: (value: unknown) => void): void;
  unref(): void;
  terminate(): Promise<number>;
}
/** A node Worker as a {@link FastWorker}; once started it never keeps the process alive. */
export function fromNodeWorker(worker: NodeWorker): FastWorker {
  return {
    postMessage: (message) => worker.postMessage(message),
    onMessage: (handler) => {
      worker.on('message', (message) => {
        handler(message);
        if (message === 'ready') worker.unref();
      });
      worker.on('error', (error) => handler(`error: ${(error as Error).message}`));
    },
    terminate: () => {
      void worker.terminate();
    },
  };
}

/**
 * Worker factory of this runtime: node worker threads in Node, Blob-URL Web Workers in cross-origin
 * isolated pages, else undefined; `node:worker_threads` is a dynamic import (never in browsers).
 */
export async function defaultWorkerFactory(): Promise<WorkerFactory | undefined> {
  if (isNode()) {
    const specifier = 'node:worker_threads';
    const threads = (await import(/* @vite-ignore */ specifier)) as {
      Worker: new (source: string, options: { eval: true }) => NodeWorker;
    };
    return () => fromNodeWorker(new threads.Worker(WORKER_SOURCE, { eval: true }));
  }
  const g = globalThis as { Worker?: unknown; crossOriginIsolated?: boolean };
  if (typeof g.Worker !== 'function' || g.crossOriginIsolated !== true) return undefined;
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
  return () => {
    const worker = new Worker(url);
    return {
      postMessage: (message) => worker.postMessage(message),
      onMessage: (handler) => {
        worker.onmessage = (event) => handler(event.data);
        worker.onerror = (event) => handler(`error: ${event.message}`);
      },
      terminate: () => worker.terminate(),
    };
  };
}

/** Worker threads taking part in the epochs. */
export interface WorkerTeam {
  /** Wakes the workers for an epoch with the caller, or (`solo`) worker 1 alone as thread 0. */
  startEpoch(
    dtype32: boolean,
    count: number,
    batchSize: number,
    args: readonly number[],
    solo?: boolean,
  ): void;
  /** As startEpoch, for a forward pass of `count` rows at `inputs` into `out`, by `plan` if set. */
  startForward(
    dtype32: boolean,
    inputs: number,
    count: number,
    batchSize: number,
    out: number,
    solo?: boolean,
    plan?: number,
  ): void;
  /** Sleeps until the lone worker has finished the call just started with `solo`. */
  awaitSolo(): void;
  /** True once the lone worker has finished the call last started with `solo`. */
  soloDone(): boolean;
  stop(): void;
}

/** Stops the workers of engines that were garbage-collected without close(). */
const finalizer =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry<WorkerTeam>((team) => team.stop())
    : undefined;

/**
 * The workers' team (driven through the control block), made outside {@link attachWorkers} so that
 * its closures, held by the finalizer, cannot keep an engine dropped without close() alive.
 */
function teamOf(memory: WebAssembly.Memory, control: number, workers: FastWorker[]): WorkerTeam {
  const ctl = new Int32Array(memory.buffer, control, 32);
  const args = new Float64Array(memory.buffer, control + 64, 4);
  let stopped = false;
  /** Bumps the generation: the workers wake and run the command (with `solo`, worker 1 alone). */
  const wake = (solo: boolean): void => {
    ctl[C_SOLO] = solo ? 1 : 0;
    Atomics.add(ctl, C_GENERATION, 1);
    Atomics.notify(ctl, C_GENERATION);
  };
  return {
    startEpoch(dtype32, count, batchSize, values, solo = false) {
      ctl[C_COMMAND] = COMMAND_EPOCH;
      ctl[C_COUNT] = count;
      ctl[C_BATCH] = batchSize;
      ctl[C_BITS] = dtype32 ? 32 : 64;
      for (let i = 0; i < 4; i++) args[i] = values[i] as number;
      wake(solo);
    },
    startForward(dtype32, inputs, count, batchSize, out, solo = false, plan = 0) {
      ctl[C_COMMAND] = COMMAND_FORWARD;
      ctl[C_PLAN] = plan;
      ctl[C_COUNT] = count;
      ctl[C_BATCH] = batchSize;
      ctl[C_BITS] = dtype32 ? 32 : 64;
      ctl[C_INPUTS] = inputs;
      ctl[C_OUT] = out;
      wake(solo);
    },
    awaitSolo() {
      const generation = Atomics.load(ctl, C_GENERATION);
      for (;;) {
        const done = Atomics.load(ctl, C_DONE);
        if (done === generation) return;
        Atomics.wait(ctl, C_DONE, done);
      }
    },
    soloDone() {
      return Atomics.load(ctl, C_DONE) === Atomics.load(ctl, C_GENERATION);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      Atomics.store(ctl, C_COMMAND, COMMAND_STOP);
      Atomics.add(ctl, C_GENERATION, 1);
      Atomics.notify(ctl, C_GENERATION);
      for (const w of workers) w.terminate();
      workers.length = 0;
    },
  };
}

/** Starts the workers; resolves once each has its kernel instance (terminates all if one fails). */
async function startWorkers(
  module: WebAssembly.Module,
  memory: WebAssembly.Memory,
  layout: { plan: number; control: number },
  threads: number,
  factory: WorkerFactory,
): Promise<FastWorker[]> {
  const workers: FastWorker[] = [];
  const ready: Promise<void>[] = [];
  for (let t = 1; t < threads; t++) {
    const worker = factory();
    workers.push(worker);
    ready.push(
      new Promise<void>((resolve, reject) => {
        worker.onMessage((message) => {
          if (message === 'ready') resolve();
          else reject(new Error(`worker ${t} answered ${String(message)} instead of 'ready'`));
        });
      }),
    );
    worker.postMessage({ module, memory, plan: layout.plan, control: layout.control, thread: t });
  }
  try {
    await Promise.all(ready);
  } catch (error) {
    for (const w of workers) w.terminate();
    throw error;
  }
  return workers;
}

/**
 * Starts `threads − 1` workers on the engine's memory and resolves once each has its kernel
 * instance; the engine then runs every call with them, or on as many as `choice` picks (default:
 * all). A finalizer stops them if the engine is garbage-collected without close().
 */
export async function attachWorkers(
  engine: WasmEpochEngine,
  module: WebAssembly.Module,
  threads: number,
  factory: WorkerFactory,
  choice?: ThreadChoice,
): Promise<void> {
  const { memory, layout } = engine;
  const workers = await startWorkers(module, memory, layout, threads, factory);
  const team = teamOf(memory, layout.control, workers);
  engine.attachTeam(team, choice);
  const token = {};
  finalizer?.register(engine, team, token);
  engine.onClose = forget(token);
}
/** A function unregistering `token` from the finalizer (a closure that cannot reach the engine). */
function forget(token: object): () => void {
  return () => finalizer?.unregister(token);
}
