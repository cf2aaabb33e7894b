import { oneHotTargets } from '@mlisp/mnist';
import { loadBundledSync } from '@mlisp/mnist/node';
import { createNetwork, feedforward, type Network } from '@mlisp/neurons';
import { argmaxRows, type Matrix } from '@mlisp/tensor';

/** One training workload of the issue: network shape, cost and hyper-parameters. */
export interface Workload {
  readonly name: string;
  readonly sizes: readonly number[];
  readonly cost: 'quadratic' | 'cross-entropy';
  readonly eta: number;
  readonly lambda: number;
  readonly batchSize: number;
  /** 'normal': weights and biases N(0, 1) (network.py); 'scaled': weights N(0, 1/n_in) (network2.py). */
  readonly init: 'normal' | 'scaled';
}

export const WORKLOAD_A: Workload = {
  name: 'A',
  sizes: [784, 30, 10],
  cost: 'quadratic',
  eta: 3,
  lambda: 0,
  batchSize: 10,
  init: 'normal',
};

export const WORKLOAD_B: Workload = {
  name: 'B',
  sizes: [784, 100, 10],
  cost: 'cross-entropy',
  eta: 0.5,
  lambda: 5,
  batchSize: 10,
  init: 'scaled',
};

/** The bundled digits' default split as training matrices. */
export interface TrainData {
  readonly inputs: Matrix;
  readonly targets: Matrix;
  readonly labels: Uint8Array;
  readonly testInputs: Matrix;
  readonly testLabels: Uint8Array;
  readonly split: ReturnType<typeof loadBundledSync>;
}

/** Loads @mlisp/mnist's bundled 7996/2004 split. */
export function loadTrainData(): TrainData {
  const split = loadBundledSync();
  return {
    inputs: split.train.images,
    targets: oneHotTargets(split.train.labels),
    labels: split.train.labels,
    testInputs: split.test.images,
    testLabels: split.test.labels,
    split,
  };
}

/** A fresh network of the workload (same seed, same weights, for every contender). */
export function workloadNetwork(w: Workload, seed: number, sizes = w.sizes): Network {
  return createNetwork(sizes, { init: w.init, seed, activation: 'sigmoid' });
}

/**
 * Floating-point operations of one epoch: per mini-batch of m and layer,
 * forward 2·m·nIn·nOut, weight gradient 2·m·nIn·nOut, δ of the layer below
 * 2·m·nIn·nOut (hidden layers only), and the update 3·nIn·nOut.
 */
export function epochFlops(sizes: readonly number[], samples: number, batchSize: number): number {
  let flops = 0;
  const batches = Math.ceil(samples / batchSize);
  for (let l = 1; l < sizes.length; l++) {
    const nIn = sizes[l - 1] as number;
    const nOut = sizes[l] as number;
    flops += (l > 1 ? 6 : 4) * samples * nIn * nOut + 3 * batches * nIn * nOut;
  }
  return flops;
}

/** Test accuracy (fraction of argmax hits) of a network. */
export function accuracyOf(network: Network, inputs: Matrix, labels: Uint8Array): number {
  const predicted = argmaxRows(feedforward(network, inputs));
  let hits = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) hits++;
  return hits / labels.length;
}
