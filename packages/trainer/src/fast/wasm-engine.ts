import { type Cost, costByName } from '@mlisp/costs';
import type { Network } from '@mlisp/neurons';
import type { FloatArray, Matrix } from '@mlisp/tensor';
import {
  checkEpochArguments,
  checkEvaluationArguments,
  type EngineConfig,
  l2Factors,
  withEta,
} from './config.js';
import { Crews } from './crews.js';
import { type InputStore, storeInputs } from './inputs.js';
import {
  bufferRows,
  copyParameters,
  copyWeightRows,
  type DataAddresses,
  dataAddresses,
  type LayerAddresses,
  layoutMemory,
  type MemoryLayout,
  writePlan,
  writeWords,
} from './layout.js';
import { type EvaluationTotals, scoreRows } from './score.js';
import { CALLER, type ThreadChoice } from './thread-choice.js';
import type { WorkerTeam } from './threads.js';
import type {
  EngineEvaluation,
  EngineLayer,
  EpochEngine,
  PendingEvaluation,
  Velocities,
} from './types.js';
import {
  callerCanWait,
  instantiateKernels,
  type KernelExports,
  MAX_SHARED_PAGES,
  type WasmLevel,
} from './wasm-support.js';

const PAGE = 65536;

const align = (bytes: number): number => Math.ceil(bytes / 64) * 64;

/** Parameters, batch buffers and training set in the kernels' linear memory; one call per epoch. */
export class WasmEpochEngine implements EpochEngine {
  readonly path: 'wasm-simd' | 'wasm-relaxed';
  readonly dtype: EngineConfig['dtype'];
  readonly memory: WebAssembly.Memory;
  readonly layout: MemoryLayout;
  private config: EngineConfig;
  private readonly network: Network;
  private readonly kernels: KernelExports;
  private readonly size: number;
  /** Who runs each call (see crews.ts). */
  private readonly crews: Crews;
  /** The one-thread layout of evaluations run aside (engines made for more than one thread). */
  private readonly aside: MemoryLayout | undefined;
  private readonly inputStore: InputStore;
  private dataRows = -1;
  private dataInputs: FloatArray | undefined;
  private dataTargets: FloatArray | undefined;
  private dataAt: DataAddresses | undefined;
  /** True when the training set is stored as 8-bit pixels (see storeInputs). */
  private dataPixels = false;
  private writtenThreads = 0;
  private writtenShares: readonly number[] = [];
  private dropoutKey = 0;
  private dropoutPosition = 0;
  private readonly cost: Cost;
  /** The evaluation set in linear memory (after the training set), by its source array. */
  private evaluationSet:
    | { data: FloatArray; rows: number; at: number; end: number; pixels: boolean }
    | undefined;

  /**
   * @param module - a kernel module of `level`, built for shared memory when `threads` > 1
   * @param threads - how many threads the plan splits each layer over (workers attach later)
   */
  constructor(
    network: Network,
    config: EngineConfig,
    module: WebAssembly.Module,
    level: WasmLevel,
    threads: number,
  ) {
    this.network = network;
    this.config = config;
    this.cost = costByName(config.cost);
    this.dtype = config.dtype;
    this.path = level === 'relaxed' ? 'wasm-relaxed' : 'wasm-simd';
    this.size = config.dtype === 'float32' ? 4 : 8;
    this.memory =
      threads > 1
        ? new WebAssembly.Memory({ initial: 1, maximum: MAX_SHARED_PAGES, shared: true })
        : new WebAssembly.Memory({ initial: 1 });
    this.kernels = instantiateKernels(module, this.memory);
    const own = layoutMemory(config, this.kernels.heapBase(), threads);
    const widest = own.layers.reduce((a, b) => (b.nIn * b.nOut > a.nIn * a.nOut ? b : a));
    this.crews = new Crews(threads, this.memory, own, widest.nOut);
    this.aside = threads > 1 ? layoutMemory(config, own.dataStart, 1) : undefined;
    this.layout = { ...own, dataStart: this.aside?.dataStart ?? own.dataStart };
    this.inputStore = {
      memory: this.memory,
      size: this.size,
      toBytes: this.size === 4 ? this.kernels.pixelBytes32 : this.kernels.pixelBytes64,
      columns: own.layers[0]?.columns,
      reserve: (bytes) => this.reserve(bytes),
    };
    this.reserve(this.layout.dataStart);
    this.writePlanFor(1);
    this.loadFromNetwork();
  }

  /** Threads that share the work: 1 until workers are attached. */
  get threads(): number {
    return this.crews.threads;
  }

  /** Lets `team` (started on this memory and plan) share every call, or as `choice` picks. */
  attachTeam(team: WorkerTeam, choice?: ThreadChoice): void {
    this.crews.attach(team, choice);
  }

  /** Writes the plan for `threads` threads (neuron ranges split by current shares) if changed. */
  private writePlanFor(threads: number): void {
    const shares = this.crews.sharesFor(threads);
    if (threads === this.writtenThreads && shares === this.writtenShares) return;
    const words = this.words();
    writePlan(words, this.layout, this.config, shares, this.canWaitMask(threads));
    if (this.dataAt !== undefined) this.writeDataAddresses(this.dataAt);
    this.writtenThreads = threads;
    this.writtenShares = shares;
  }

  /** Workers may always sleep at a barrier; this thread unless it is a browser's main thread. */
  private canWaitMask(threads: number): number {
    return ((1 << threads) - 1) & ~(callerCanWait() ? 0 : 1);
  }

  private writeDataAddresses(at: DataAddresses): void {
    writeWords(this.words(), this.layout, {
      P_INPUTS: at.inputs,
      P_TARGETS: at.targets,
      P_ORDER: at.order,
    });
  }

  private words(): Int32Array {
    return new Int32Array(this.memory.buffer);
  }

  private floats(at: number, length: number): FloatArray {
    return this.size === 4
      ? new Float32Array(this.memory.buffer, at, length)
      : new Float64Array(this.memory.buffer, at, length);
  }

  private reserve(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes > have) this.memory.grow(Math.ceil((bytes - have) / PAGE));
  }

  /** Copies the training set into linear memory when it differs from the one already there. */
  private loadData(inputs: Matrix, targets: Matrix): void {
    if (
      inputs.data === this.dataInputs &&
      targets.data === this.dataTargets &&
      inputs.rows === this.dataRows
    )
      return;
    this.crews.settle(true);
    // Where the inputs start does not depend on how they are stored; where the targets go does.
    const pixels = this.storeInputs(
      inputs.data,
      dataAddresses(this.layout, this.config, inputs.rows, true).inputs,
    );
    const at = dataAddresses(this.layout, this.config, inputs.rows, pixels);
    this.reserve(at.end);
    this.floats(at.targets, targets.data.length).set(targets.data);
    this.writeDataAddresses(at);
    // The evaluation set lives after the training set: this one may have overwritten it.
    this.evaluationSet = undefined;
    this.dataAt = at;
    this.dataPixels = pixels;
    this.dataInputs = inputs.data;
    this.dataTargets = targets.data;
    this.dataRows = inputs.rows;
  }

  /** Stores input values from `at` (see inputs.ts): as bytes when they are pixels (true then). */
  private storeInputs(values: FloatArray, at: number): boolean {
    return storeInputs(this.inputStore, values, at);
  }

  runEpoch(inputs: Matrix, targets: Matrix, order: ArrayLike<number>, costs?: Float64Array): void {
    const { batchSize, eta, momentum } = this.config;
    const count = checkEpochArguments(this.config, inputs, targets, order, costs);
    this.loadData(inputs, targets);
    const crew = this.crews.next();
    const threads = crew.threads;
    this.writePlanFor(threads);
    const at = this.dataAt as DataAddresses;
    const words = this.words();
    const o = at.order >> 2;
    for (let p = 0; p < count; p++) words[o + p] = order[p] as number;
    writeWords(words, this.layout, {
      P_COSTS: costs === undefined ? 0 : at.costs,
      P_BYTES: this.dataPixels ? 1 : 0,
      P_DROP_KEY: this.dropoutKey | 0,
      P_POSITION: this.dropoutPosition,
    });
    const { decay, wd } = l2Factors(this.config, inputs.rows);
    const plan = this.layout.plan;
    const dtype32 = this.size === 4;
    this.crews.run(
      crew,
      (workers, solo) =>
        workers.startEpoch(dtype32, count, batchSize, [eta, decay, wd, momentum], solo),
      () => {
        if (dtype32) this.kernels.epoch32(plan, 0, count, batchSize, eta, decay, wd, momentum);
        else this.kernels.epoch64(plan, 0, count, batchSize, eta, decay, wd, momentum);
      },
      count,
    );
    if (costs !== undefined) {
      const batches = Math.ceil(count / batchSize);
      costs.set(new Float64Array(this.memory.buffer, at.costs, batches));
    }
  }

  /** Where `inputs` are (training set, or evaluation set copied if new) and whether as pixels. */
  private evaluationInputs(inputs: Matrix): { at: number; pixels: boolean } {
    if (
      this.dataAt !== undefined &&
      inputs.data === this.dataInputs &&
      inputs.rows === this.dataRows
    )
      return { at: this.dataAt.inputs, pixels: this.dataPixels };
    const set = this.evaluationSet;
    if (set !== undefined && inputs.data === set.data && inputs.rows === set.rows) return set;
    const at = align(this.dataAt?.end ?? this.layout.dataStart);
    const pixels = this.storeInputs(inputs.data, at);
    const end = align(at + inputs.data.length * (pixels ? 1 : this.size));
    this.evaluationSet = { data: inputs.data, rows: inputs.rows, at, end, pixels };
    return this.evaluationSet;
  }

  /** Copies the set in if new, reserves room for its outputs: where both are, and their `score`. */
  private evaluationRun(inputs: Matrix, targets: Matrix, labels?: ArrayLike<number>) {
    const { sizes } = this.config;
    checkEvaluationArguments(sizes, inputs, targets, labels);
    this.crews.settle(true);
    const rows = inputs.rows;
    const nL = sizes[sizes.length - 1] as number;
    const { at, pixels } = this.evaluationInputs(inputs);
    const out = Math.max(
      this.dataAt?.end ?? this.layout.dataStart,
      this.evaluationSet?.end ?? this.layout.dataStart,
    );
    this.reserve(out + rows * nL * this.size);
    const score = (): EngineEvaluation => {
      const totals: EvaluationTotals = { costSum: 0, correct: 0 };
      scoreRows(this.cost, this.floats(out, rows * nL), targets, labels, 0, rows, totals);
      return totals;
    };
    return { at, pixels, rows, out, batchSize: bufferRows(this.config), score };
  }

  evaluate(inputs: Matrix, targets: Matrix, labels?: ArrayLike<number>): EngineEvaluation {
    const { at, pixels, rows, out, batchSize, score } = this.evaluationRun(inputs, targets, labels);
    const crew = rows > 0 ? this.crews.favoured() : CALLER;
    this.writePlanFor(crew.threads);
    writeWords(this.words(), this.layout, { P_BYTES: pixels ? 1 : 0 });
    const plan = this.layout.plan;
    const dtype32 = this.size === 4;
    this.crews.run(
      crew,
      (workers, solo) => workers.startForward(dtype32, at, rows, batchSize, out, solo),
      () => {
        if (dtype32) this.kernels.forwardSet32(plan, 0, at, rows, batchSize, out);
        else this.kernels.forwardSet64(plan, 0, at, rows, batchSize, out);
      },
    );
    return score();
  }

  evaluateAside(inputs: Matrix, targets: Matrix, labels?: ArrayLike<number>): PendingEvaluation {
    const aside = this.aside;
    if (aside !== undefined && this.threads > 1 && inputs.rows > 0) {
      const { at, pixels, rows, out, batchSize, score } = this.evaluationRun(
        inputs,
        targets,
        labels,
      );
      // The worker's plan: one thread, over a copy of the parameters as they are now.
      copyParameters(this.memory, this.layout, aside, this.size);
      writePlan(this.words(), aside, this.config, [1], 1);
      writeWords(this.words(), aside, { P_BYTES: pixels ? 1 : 0 });
      const dtype32 = this.size === 4;
      const pending = this.crews.startAside(
        (team) => team.startForward(dtype32, at, rows, batchSize, out, true, aside.plan),
        score,
      );
      if (pending !== undefined) return pending;
    }
    const figures = this.evaluate(inputs, targets, labels);
    return { ready: true, result: () => figures };
  }

  layers(): readonly EngineLayer[] {
    return this.layout.layers.map((a) => {
      const weights =
        this.size === 4 ? new Float32Array(a.nOut * a.nIn) : new Float64Array(a.nOut * a.nIn);
      this.copyWeights(a.W, a, weights, 'out');
      const biases = this.size === 4 ? new Float32Array(a.nOut) : new Float64Array(a.nOut);
      biases.set(this.floats(a.b, a.nOut));
      return {
        weights: { rows: a.nOut, cols: a.nIn, data: weights },
        biases: { rows: 1, cols: a.nOut, data: biases },
      };
    });
  }

  allFinite(): boolean {
    const plan = this.layout.plan;
    return (
      (this.size === 4 ? this.kernels.allFinite32(plan) : this.kernels.allFinite64(plan)) === 1
    );
  }

  /** Copies W (or VW, at `at`) of layer `a` between linear memory and a dense nOut x nIn array. */
  private copyWeights(at: number, a: LayerAddresses, dense: FloatArray, into: 'in' | 'out'): void {
    copyWeightRows(this.floats(at, a.nOut * a.ldw), a, dense, into);
  }

  syncToNetwork(velocities?: Velocities): void {
    this.network.layers.forEach((layer, l) => {
      const a = this.layout.layers[l] as LayerAddresses;
      this.copyWeights(a.W, a, layer.weights.data, 'out');
      layer.biases.data.set(this.floats(a.b, a.nOut));
      if (velocities !== undefined && a.VW !== 0) {
        this.copyWeights(a.VW, a, velocities.weights[l] as FloatArray, 'out');
        (velocities.biases[l] as FloatArray).set(this.floats(a.Vb, a.nOut));
      }
    });
  }

  loadFromNetwork(velocities?: Velocities): void {
    this.network.layers.forEach((layer, l) => {
      const a = this.layout.layers[l] as LayerAddresses;
      this.copyWeights(a.W, a, layer.weights.data, 'in');
      this.floats(a.b, a.nOut).set(layer.biases.data);
      if (a.VW === 0) return;
      if (velocities === undefined) {
        this.floats(a.VW, a.nOut * a.ldw).fill(0);
        this.floats(a.Vb, a.nOut).fill(0);
      } else {
        this.copyWeights(a.VW, a, velocities.weights[l] as FloatArray, 'in');
        this.floats(a.Vb, a.nOut).set(velocities.biases[l] as FloatArray);
      }
    });
  }

  setEta(eta: number): void {
    this.config = withEta(this.config, eta);
  }

  setDropout(key: number, position: number): void {
    if (!Number.isInteger(key) || key < 0 || key >= 2 ** 32) {
      throw new TypeError(`dropout key must be an integer in [0, 2^32), got ${String(key)}`);
    }
    if (!Number.isSafeInteger(position) || position < 0) {
      throw new TypeError(`dropout position must be an integer >= 0, got ${String(position)}`);
    }
    this.dropoutKey = key;
    this.dropoutPosition = position;
  }

  close(): void {
    if (this.crews.stop()) this.onClose?.();
  }

  /** Called once by close() after the workers stopped (threads.ts forgets its finalizer). */
  onClose: (() => void) | undefined;
}
