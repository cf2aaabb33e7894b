import type { Network } from '@mlisp/neurons';

/** One layer's weights as plain rows: `weights[j][k]` from neuron k below to neuron j. */
export function weightRows(network: Network, l: number): number[][] {
  const { rows, cols, data } = (network.layers[l] as Network['layers'][number]).weights;
  const out: number[][] = [];
  for (let j = 0; j < rows; j++) out.push(Array.from(data.subarray(j * cols, (j + 1) * cols)));
  return out;
}

/** Float32 little-endian bytes of `values` (the byte order ONNX and TensorFlow.js store). */
export function float32Bytes(values: ArrayLike<number>): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(4 * i, values[i] as number, true);
  return bytes;
}

/** Transposes an `rows x cols` row-major array (our n_out x n_in weights to an n_in x n_out kernel). */
export function transposed(data: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let j = 0; j < rows; j++) {
    for (let k = 0; k < cols; k++) out[k * rows + j] = data[j * cols + k] as number;
  }
  return out;
}
