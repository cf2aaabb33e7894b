import type { Network } from '@mlisp/neurons';
import {
  addRowVector,
  type DType,
  dtypeOf,
  type GemmOptions,
  gemm,
  type Matrix,
  rowView,
  zeros,
} from '@mlisp/tensor';
import { applyDropout, type DropoutMasks } from './dropout.js';

/** Preallocated buffers and gemm options for passes over `rows` samples; index l − 1 is layer l. */
export interface Workspace {
  /** Samples per batch. */
  readonly rows: number;
  /** rows x sizes[0]: the batch's inputs (a^0). */
  readonly x: Matrix;
  /** rows x sizes[L]: the batch's desired outputs. */
  readonly y: Matrix;
  /** rows x n_l: weighted inputs z^l. */
  readonly zs: Matrix[];
  /** rows x n_l: activations a^l. */
  readonly as: Matrix[];
  /** rows x n_l: errors δ^l. */
  readonly deltas: Matrix[];
  /** rows x n_l: σ'(z^l). */
  readonly derivs: Matrix[];
  /** ∂C/∂w^l (mean over the batch), shared by every row view. */
  readonly gradWeights: Matrix[];
  /** ∂C/∂b^l (mean over the batch), shared by every row view. */
  readonly gradBiases: Matrix[];
  /** gemm options of z^l = a^{l−1}·W^lᵀ. */
  readonly forwardOptions: GemmOptions[];
  /** gemm options of ∂C/∂w^l = (1/rows)·δ^lᵀ·a^{l−1}. */
  readonly weightGradientOptions: GemmOptions[];
  /** gemm options of δ^l = δ^{l+1}·W^{l+1} (before ⊙ σ'(z^l)); unused for layer L. */
  readonly backwardOptions: GemmOptions[];
  /** Views with fewer rows, made on first use and kept (see {@link viewRows}). */
  readonly views: Map<number, Workspace>;
}

function assemble(
  rows: number,
  x: Matrix,
  y: Matrix,
  zs: Matrix[],
  as: Matrix[],
  deltas: Matrix[],
  derivs: Matrix[],
  gradWeights: Matrix[],
  gradBiases: Matrix[],
): Workspace {
  return {
    rows,
    x,
    y,
    zs,
    as,
    deltas,
    derivs,
    gradWeights,
    gradBiases,
    forwardOptions: zs.map((z) => ({ transB: true, out: z })),
    weightGradientOptions: gradWeights.map((g) => ({
      transA: true,
      alpha: rows > 0 ? 1 / rows : 1,
      out: g,
    })),
    backwardOptions: deltas.map((d) => ({ out: d })),
    views: new Map(),
  };
}

/**
 * A workspace for batches of up to `rows` samples through `network`.
 * @param network - the network (fixes the layer sizes)
 * @param rows - samples per batch (≥ 1)
 * @param dtype - element type; default: the network's
 */
export function createWorkspace(network: Network, rows: number, dtype?: DType): Workspace {
  const d = dtype ?? dtypeOf((network.layers[0] as Network['layers'][number]).weights);
  const sizes = network.sizes;
  const per = (): Matrix[] =>
    network.layers.map((layer) => zeros(rows, layer.weights.rows, { dtype: d }));
  return assemble(
    rows,
    zeros(rows, sizes[0] as number, { dtype: d }),
    zeros(rows, sizes[sizes.length - 1] as number, { dtype: d }),
    per(),
    per(),
    per(),
    per(),
    network.layers.map((layer) => zeros(layer.weights.rows, layer.weights.cols, { dtype: d })),
    network.layers.map((layer) => zeros(1, layer.weights.rows, { dtype: d })),
  );
}

/**
 * The first `rows` rows of `ws` as a workspace sharing its storage and gradients, for the last,
 * smaller mini-batch or chunk; cached per size in `ws.views`, so repeats allocate nothing.
 * @param ws - a workspace from {@link createWorkspace}
 * @param rows - 1 ≤ rows ≤ ws.rows
 */
export function viewRows(ws: Workspace, rows: number): Workspace {
  if (rows === ws.rows) return ws;
  const cached = ws.views.get(rows);
  if (cached !== undefined) return cached;
  if (!Number.isInteger(rows) || rows < 1 || rows > ws.rows) {
    throw new RangeError(`viewRows: rows must be an integer in [1, ${ws.rows}], got ${rows}`);
  }
  const cut = (m: Matrix): Matrix => rowView(m, 0, rows);
  const view = assemble(
    rows,
    cut(ws.x),
    cut(ws.y),
    ws.zs.map(cut),
    ws.as.map(cut),
    ws.deltas.map(cut),
    ws.derivs.map(cut),
    ws.gradWeights,
    ws.gradBiases,
  );
  ws.views.set(rows, view);
  return view;
}

/**
 * Copies row order[start + i] of `src` (start + i if `order` is null) to row i of `out`, i < count.
 * @param src - the data set matrix
 * @param order - sample order (a permutation of row indices), or null for in-order
 * @param start - position in the order of the first row to copy
 * @param count - rows to copy
 * @param out - destination with the same number of columns and at least `count` rows (written)
 */
export function gatherRows(
  src: Matrix,
  order: Int32Array | null,
  start: number,
  count: number,
  out: Matrix,
): void {
  const cols = src.cols;
  const from = src.data;
  const to = out.data;
  for (let i = 0; i < count; i++) {
    const row = order === null ? start + i : (order[start + i] as number);
    const s = row * cols;
    const t = i * cols;
    for (let k = 0; k < cols; k++) to[t + k] = from[s + k] as number;
  }
}

/**
 * The forward pass of the batch in `ws.x`: z^l = a^{l−1}·W^lᵀ + b^l and a^l = σ(z^l). With
 * `dropout` (training), hidden activations and σ'(z) (into `ws.derivs`) get inverted dropout.
 * @param network - the network
 * @param ws - the workspace (its x is read, zs and as are written)
 * @param dropout - the batch's dropout masks, or null
 * @returns the output activations a^L (ws.as[L − 1])
 */
export function feedforwardInto(
  network: Network,
  ws: Workspace,
  dropout: DropoutMasks | null = null,
): Matrix {
  const layers = network.layers;
  let a = ws.x;
  for (let l = 0; l < layers.length; l++) {
    const layer = layers[l] as Network['layers'][number];
    const z = ws.zs[l] as Matrix;
    gemm(a, layer.weights, ws.forwardOptions[l]);
    addRowVector(z, layer.biases, z);
    a = layer.activation.forward(z, ws.as[l]);
    if (dropout !== null && l < layers.length - 1) {
      applyDropout(a, layer.activation.derivativeBatch(z, a, ws.derivs[l]), l + 1, dropout);
    }
  }
  return a;
}
