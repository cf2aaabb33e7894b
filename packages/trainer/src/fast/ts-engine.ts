import { type Cost, costByName } from '@mlisp/costs';
import type { Network } from '@mlisp/neurons';
import type { FloatArray, Matrix } from '@mlisp/tensor';
import {
  checkEpochArguments,
  checkEvaluationArguments,
  type EngineConfig,
  finiteValues,
  l2Factors,
  withEta,
} from './config.js';
import { type ScoreTotals, scoreRows } from './score.js';
import type * as kernels from './ts-kernels.js';
import type { updateLayer } from './ts-update.js';
import type { EngineEvaluation, EngineLayer, EpochEngine } from './types.js';

/**
 * The kernels a {@link TsEpochEngine} calls: ts-kernels.ts and ts-update.ts
 * for float64, their generated copies (ts-*-f32.ts) for float32, so that each
 * copy only ever sees one typed-array type and V8 keeps it monomorphic.
 */
export interface TsKernelSet {
  readonly gatherRows: typeof kernels.gatherRows;
  readonly forwardLayer: typeof kernels.forwardLayer;
  readonly softmaxRows: typeof kernels.softmaxRows;
  readonly outputDelta: typeof kernels.outputDelta;
  readonly backwardDelta: typeof kernels.backwardDelta;
  readonly updateLayer: typeof updateLayer;
}

/** Rows fed forward at a time by evaluate(). */
const EVALUATION_ROWS = 64;

function allocate(dtype: EngineConfig['dtype'], length: number): FloatArray {
  return dtype === 'float32' ? new Float32Array(length) : new Float64Array(length);
}

/**
 * The pure TypeScript epoch loop: the reference and fallback path. Every
 * buffer (parameters, velocities, one batch of activations and deltas per
 * layer) is allocated here, once.
 */
export class TsEpochEngine implements EpochEngine {
  readonly path = 'ts' as const;
  readonly threads = 1;
  readonly dtype: EngineConfig['dtype'];
  private config: EngineConfig;
  private readonly network: Network;
  private readonly params: EngineLayer[];
  private readonly velocityW: FloatArray[];
  private readonly velocityB: FloatArray[];
  /** acts[0] is the gathered input batch, acts[l] layer l's activations (m x sizes[l]). */
  private readonly acts: FloatArray[];
  /** deltas[l] is layer l's δ (deltas[0] is unused). */
  private readonly deltas: FloatArray[];
  private readonly batchTargets: FloatArray;
  private readonly k: TsKernelSet;
  private readonly cost: Cost;
  /** evaluate()'s activations, EVALUATION_ROWS x sizes[l] per layer (inputs first), made on first use. */
  private evaluationActs: FloatArray[] | undefined;

  constructor(network: Network, config: EngineConfig, kernelSet: TsKernelSet) {
    this.k = kernelSet;
    this.cost = costByName(config.cost);
    this.network = network;
    this.config = config;
    this.dtype = config.dtype;
    const { sizes, batchSize, momentum } = config;
    this.params = [];
    this.velocityW = [];
    this.velocityB = [];
    this.acts = [allocate(config.dtype, batchSize * (sizes[0] as number))];
    this.deltas = [allocate(config.dtype, 0)];
    for (let l = 1; l < sizes.length; l++) {
      const nIn = sizes[l - 1] as number;
      const nOut = sizes[l] as number;
      this.params.push({
        weights: { rows: nOut, cols: nIn, data: allocate(config.dtype, nOut * nIn) },
        biases: { rows: 1, cols: nOut, data: allocate(config.dtype, nOut) },
      });
      this.velocityW.push(allocate(config.dtype, momentum === 0 ? 0 : nOut * nIn));
      this.velocityB.push(allocate(config.dtype, momentum === 0 ? 0 : nOut));
      this.acts.push(allocate(config.dtype, batchSize * nOut));
      this.deltas.push(allocate(config.dtype, batchSize * nOut));
    }
    this.batchTargets = allocate(config.dtype, batchSize * (sizes[sizes.length - 1] as number));
    this.loadFromNetwork();
  }

  runEpoch(inputs: Matrix, targets: Matrix, order: ArrayLike<number>): void {
    const { sizes, batchSize, quadratic, softmax, eta, momentum } = this.config;
    const count = checkEpochArguments(sizes, inputs, targets, order);
    const { decay, wd } = l2Factors(this.config, inputs.rows);
    const L = sizes.length - 1;
    const n0 = sizes[0] as number;
    const nL = sizes[L] as number;
    const X = inputs.data;
    const T = targets.data;
    const A0 = this.acts[0] as FloatArray;
    const Y = this.batchTargets;
    const { gatherRows, forwardLayer, softmaxRows, outputDelta, backwardDelta, updateLayer } =
      this.k;
    for (let start = 0; start < count; start += batchSize) {
      const m = start + batchSize <= count ? batchSize : count - start;
      gatherRows(X, n0, order, start, m, A0);
      gatherRows(T, nL, order, start, m, Y);
      for (let l = 1; l <= L; l++) {
        const layer = this.params[l - 1] as EngineLayer;
        const out = this.acts[l] as FloatArray;
        const isSoftmax = softmax && l === L;
        const n = sizes[l] as number;
        forwardLayer(
          this.acts[l - 1] as FloatArray,
          m,
          sizes[l - 1] as number,
          layer.weights.data,
          layer.biases.data,
          n,
          out,
          !isSoftmax,
        );
        if (isSoftmax) softmaxRows(out, m, n);
      }
      outputDelta(this.acts[L] as FloatArray, Y, this.deltas[L] as FloatArray, m * nL, quadratic);
      const lr = eta / m;
      for (let l = L; l >= 1; l--) {
        const layer = this.params[l - 1] as EngineLayer;
        const nOut = sizes[l] as number;
        const nIn = sizes[l - 1] as number;
        const D = this.deltas[l] as FloatArray;
        const below = this.acts[l - 1] as FloatArray;
        // δ of the layer below uses W before this batch's update.
        if (l > 1)
          backwardDelta(
            D,
            m,
            nOut,
            layer.weights.data,
            nIn,
            below,
            this.deltas[l - 1] as FloatArray,
          );
        updateLayer(
          D,
          m,
          nOut,
          below,
          nIn,
          layer.weights.data,
          layer.biases.data,
          this.velocityW[l - 1] as FloatArray,
          this.velocityB[l - 1] as FloatArray,
          lr,
          decay,
          wd,
          momentum,
        );
      }
    }
  }

  evaluate(inputs: Matrix, targets: Matrix, labels?: ArrayLike<number>): EngineEvaluation {
    const { sizes, softmax, dtype } = this.config;
    checkEvaluationArguments(sizes, inputs, targets, labels);
    this.evaluationActs ??= sizes.map((n) => allocate(dtype, EVALUATION_ROWS * n));
    const acts = this.evaluationActs;
    const { forwardLayer, softmaxRows } = this.k;
    const L = sizes.length - 1;
    const n0 = sizes[0] as number;
    const totals: ScoreTotals = { costSum: 0, correct: 0 };
    for (let start = 0; start < inputs.rows; start += EVALUATION_ROWS) {
      const m = Math.min(EVALUATION_ROWS, inputs.rows - start);
      // set() converts to the engine's dtype as an element assignment does.
      (acts[0] as FloatArray).set(inputs.data.subarray(start * n0, (start + m) * n0));
      for (let l = 1; l <= L; l++) {
        const layer = this.params[l - 1] as EngineLayer;
        const out = acts[l] as FloatArray;
        const isSoftmax = softmax && l === L;
        const n = sizes[l] as number;
        forwardLayer(
          acts[l - 1] as FloatArray,
          m,
          sizes[l - 1] as number,
          layer.weights.data,
          layer.biases.data,
          n,
          out,
          !isSoftmax,
        );
        if (isSoftmax) softmaxRows(out, m, n);
      }
      scoreRows(this.cost, acts[L] as FloatArray, targets, labels, start, m, totals);
    }
    return totals;
  }

  layers(): readonly EngineLayer[] {
    return this.params;
  }

  allFinite(): boolean {
    return this.params.every((p) => finiteValues(p.weights.data) && finiteValues(p.biases.data));
  }

  syncToNetwork(): void {
    this.network.layers.forEach((layer, l) => {
      const p = this.params[l] as EngineLayer;
      copyValues(p.weights.data, layer.weights.data);
      copyValues(p.biases.data, layer.biases.data);
    });
  }

  loadFromNetwork(): void {
    this.network.layers.forEach((layer, l) => {
      const p = this.params[l] as EngineLayer;
      copyValues(layer.weights.data, p.weights.data);
      copyValues(layer.biases.data, p.biases.data);
      (this.velocityW[l] as FloatArray).fill(0);
      (this.velocityB[l] as FloatArray).fill(0);
    });
  }

  setEta(eta: number): void {
    this.config = withEta(this.config, eta);
  }

  close(): void {}
}

/** dst[i] = src[i] for every i (converting between float64 and float32). */
export function copyValues(src: FloatArray, dst: FloatArray): void {
  if (src.constructor === dst.constructor) {
    dst.set(src);
    return;
  }
  for (let i = 0; i < dst.length; i++) dst[i] = src[i] as number;
}
