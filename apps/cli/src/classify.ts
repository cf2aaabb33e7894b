/**
 * What a trained network says about digits: outputs, predictions, the 4-bit
 * code of problem 3's stacked binary layer, accuracy, cost and the confusion
 * matrix.
 */
import { costByName } from '@mlisp/costs';
import { decodeBinary, stackBinaryEncoder } from '@mlisp/encoders';
import type { Dataset } from '@mlisp/mnist';
import { oneHotTargets } from '@mlisp/mnist';
import { confusionMatrix, feedforward, type Network } from '@mlisp/neurons';
import { argmaxRows, type FloatArray, type Matrix, toArray } from '@mlisp/tensor';

/** The verdict of a network on one image. */
export interface Prediction {
  /** The ten output activations. */
  outputs: number[];
  /** argmax of the outputs. */
  prediction: number;
  /** The bits of problem 3's binary layer stacked on the outputs, most significant first. */
  binary: string;
  /** The digit the bits name, or null when they name none (e.g. 1111). */
  binaryLabel: number | null;
}

/** Accuracy, cost and confusion of a network on a dataset. */
export interface Evaluation {
  /** Fraction of correct predictions, in [0, 1]. */
  accuracy: number;
  correct: number;
  total: number;
  /** Mean cost per sample (no L2 term). */
  cost: number;
  /** confusion[actual][predicted]: how often digit `actual` was read as `predicted`. */
  confusion: number[][];
}

/** The stacked network and outputs of `network` on a batch of images (one per row). */
export function predictBatch(network: Network, images: Matrix): Prediction[] {
  const stacked = stackBinaryEncoder(network);
  const outputs = feedforward(network, images);
  const bits = feedforward(stacked, images);
  const predictions = argmaxRows(outputs);
  const classes = network.sizes[network.sizes.length - 1] as number;
  const rows = toArray(outputs);
  const bitRows = toArray(bits);
  return rows.map((row, i) => {
    const decoded = decodeBinary(bitRows[i] as number[], classes);
    return {
      outputs: row,
      prediction: predictions[i] as number,
      binary: decoded.code,
      binaryLabel: decoded.label,
    };
  });
}

/** {@link predictBatch} for one image of 784 pixels. */
export function predictOne(network: Network, pixels: ArrayLike<number>): Prediction {
  const images = { rows: 1, cols: pixels.length, data: Float64Array.from(pixels) };
  return predictBatch(network, images)[0] as Prediction;
}

/**
 * Accuracy, mean cost and confusion matrix of `network` on `data`.
 *
 * @param network - a network with 784 inputs and 10 outputs
 * @param costName - the cost to report
 * @param data - the images and labels
 */
export function evaluate(
  network: Network,
  costName: string,
  data: Dataset<FloatArray>,
): Evaluation {
  const classes = network.sizes[network.sizes.length - 1] as number;
  const predicted = new Int32Array(data.size);
  const cost = costByName(costName);
  const chunk = 1000;
  let costSum = 0;
  for (let start = 0; start < data.size; start += chunk) {
    const end = Math.min(data.size, start + chunk);
    const images: Matrix = {
      rows: end - start,
      cols: data.images.cols,
      data: data.images.data.subarray(start * data.images.cols, end * data.images.cols),
    };
    const labels = data.labels.subarray(start, end);
    const outputs = feedforward(network, images);
    predicted.set(argmaxRows(outputs), start);
    costSum += cost.sum(outputs, oneHotTargets(labels, classes));
  }
  const confusion = confusionMatrix(predicted, data.labels, classes);
  const correct = confusion.reduce((sum, row, k) => sum + (row[k] as number), 0);
  const total = data.size;
  return {
    accuracy: total === 0 ? 0 : correct / total,
    correct,
    total,
    cost: total === 0 ? 0 : costSum / total,
    confusion,
  };
}
