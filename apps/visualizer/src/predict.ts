/**
 * Predictions of a network on the page: output activations, the argmax digit
 * with its confidence, and problem 3's 4-bit code read from the network with
 * the binary encoder layer stacked on top.
 */
import { argmaxBatch, decodeBinaryBatch, stackBinaryEncoder } from '@mlisp/encoders';
import { feedforward, type Network } from '@mlisp/neurons';
import { fromTypedArray, type Matrix } from '@mlisp/tensor';

/** Predictions for a batch of inputs (one per row). */
export interface Predictions {
  /** `n x 10` output activations. */
  outputs: Matrix;
  /** `n x 4` outputs of the stacked binary layer. */
  bitOutputs: Matrix;
  /** argmax of each row of outputs. */
  digits: Int32Array;
  /** The output activation of the predicted digit, normalised by the row's sum. */
  confidence: Float64Array;
  /** The 4-bit code (most significant bit first) and the class it names, if any. */
  codes: { code: string; label: number | null }[];
}

const stacked = new WeakMap<Network, Network>();

function stackedOf(network: Network): Network {
  let s = stacked.get(network);
  if (!s) {
    s = stackBinaryEncoder(network);
    stacked.set(network, s);
  }
  return s;
}

/** Runs the network and its stacked binary encoder on `inputs` (`n x 784`). */
export function predict(network: Network, inputs: Matrix): Predictions {
  const outputs = feedforward(network, inputs);
  const bitOutputs = feedforward(stackedOf(network), inputs);
  const digits = argmaxBatch(outputs);
  const classes = outputs.cols;
  const confidence = new Float64Array(outputs.rows);
  for (let i = 0; i < outputs.rows; i++) {
    let total = 0;
    for (let j = 0; j < classes; j++) total += Math.max(0, outputs.data[i * classes + j]!);
    const top = outputs.data[i * classes + digits[i]!]!;
    confidence[i] = total > 0 ? top / total : 0;
  }
  const codes = decodeBinaryBatch(bitOutputs, classes).map((d) => ({
    code: d.code,
    label: d.label,
  }));
  return { outputs, bitOutputs, digits, confidence, codes };
}

/** Predictions for one 784-pixel input. */
export function predictOne(network: Network, pixels: Float64Array): Predictions {
  return predict(network, fromTypedArray(pixels, 1, pixels.length));
}
