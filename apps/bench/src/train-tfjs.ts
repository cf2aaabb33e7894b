import type { Network } from '@mlisp/neurons';
import type { Matrix } from '@mlisp/tensor';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { Workload } from './train-setup.js';

/** A tfjs model set up to make the same updates as the workload's SGD. */
export interface TfjsTrainer {
  /** Trains one epoch on the rows `order`; returns the seconds of `fit`. */
  epoch(order: Int32Array): Promise<number>;
  /** Test accuracy. */
  accuracy(inputs: Matrix, labels: Uint8Array): number;
  dispose(): void;
}

/** Selects a tfjs backend: 'cpu' (pure JS) or 'wasm' (XNNPACK, SIMD, one thread). */
export async function useTfjsBackend(backend: 'cpu' | 'wasm'): Promise<void> {
  if (backend === 'wasm') tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  const ok = await tf.setBackend(backend);
  if (!ok) throw new Error(`tfjs backend '${backend}' could not be set up`);
  await tf.ready();
}

/**
 * A tfjs sequential model with the network's weights. tfjs averages its losses
 * over the outputs as well as the batch, so the learning rate is scaled to
 * make the same steps: mean squared error over 10 outputs has gradient
 * 2(a − y)/10 per output, so lr = 5η for the quadratic cost; binary
 * cross-entropy over 10 outputs needs lr = 10η and an L2 regulariser
 * l2 = λ/(2·n·10), whose gradient step lr·2·l2·w is network2.py's ηλ/n·w.
 */
export function createTfjsTrainer(
  w: Workload,
  network: Network,
  inputs: Matrix,
  targets: Matrix,
): TfjsTrainer {
  const n = inputs.rows;
  const lr = w.cost === 'quadratic' ? 5 * w.eta : 10 * w.eta;
  const l2 = w.lambda > 0 ? w.lambda / (2 * n * 10) : 0;
  const model = tf.sequential();
  network.layers.forEach((layer, l) => {
    model.add(
      tf.layers.dense({
        units: layer.weights.rows,
        activation: 'sigmoid',
        ...(l === 0 ? { inputShape: [layer.weights.cols] } : {}),
        ...(l2 > 0 ? { kernelRegularizer: tf.regularizers.l2({ l2 }) } : {}),
      }),
    );
  });
  // tfjs kernels are nIn x nOut: the transpose of the book's w_jk.
  model.setWeights(
    network.layers.flatMap((layer) => [
      tf
        .tensor2d(Array.from(layer.weights.data), [layer.weights.rows, layer.weights.cols])
        .transpose(),
      tf.tensor1d(Array.from(layer.biases.data)),
    ]),
  );
  model.compile({
    optimizer: tf.train.sgd(lr),
    loss: w.cost === 'quadratic' ? 'meanSquaredError' : 'binaryCrossentropy',
  });
  const x = tf.tensor2d(Float32Array.from(inputs.data), [inputs.rows, inputs.cols]);
  const y = tf.tensor2d(Float32Array.from(targets.data), [targets.rows, targets.cols]);
  return {
    async epoch(order) {
      const index = tf.tensor1d(order, 'int32');
      const xs = tf.gather(x, index);
      const ys = tf.gather(y, index);
      const start = performance.now();
      await model.fit(xs, ys, { batchSize: w.batchSize, epochs: 1, shuffle: false, verbose: 0 });
      const seconds = (performance.now() - start) / 1000;
      tf.dispose([index, xs, ys]);
      return seconds;
    },
    accuracy(testInputs, labels) {
      return tf.tidy(() => {
        const t = tf.tensor2d(Float32Array.from(testInputs.data), [
          testInputs.rows,
          testInputs.cols,
        ]);
        const predicted = (model.predict(t) as tf.Tensor).argMax(1).dataSync();
        let hits = 0;
        for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) hits++;
        return hits / labels.length;
      });
    },
    dispose() {
      tf.dispose([x, y]);
      model.dispose();
    },
  };
}
