import { quadratic, totalCost } from '@mlisp/costs';
import { type Activation, createNetwork, feedforward, type Network, tanh } from '@mlisp/neurons';
import { frobeniusNorm, fromArray, type Matrix, Rng, rowView, toArray, zeros } from '@mlisp/tensor';
import { backprop, createGradients, evaluate, gradientCheck, learningSpeeds } from '@mlisp/trainer';
import { describe, expect, it } from 'vitest';

function data(seed: number, n: number, nIn: number, nOut: number) {
  const rng = new Rng(seed);
  const inputs = zeros(n, nIn);
  for (let i = 0; i < inputs.data.length; i++) inputs.data[i] = rng.normal();
  const targets = zeros(n, nOut);
  for (let i = 0; i < n; i++) targets.data[i * nOut + rng.int(nOut)] = 1;
  return { inputs, targets };
}

const rows = (m: Matrix, i: number) => rowView(m, i, i + 1);

describe('backprop', () => {
  const net = createNetwork([5, 6, 4, 3], {
    activation: 'tanh',
    outputActivation: 'sigmoid',
    seed: 3,
  });
  const d = data(1, 9, 5, 3);
  it('returns the mean over the batch of the per-sample gradients', () => {
    const g = backprop(net, d, 'cross-entropy');
    const sum = createGradients(net);
    for (let i = 0; i < 9; i++) {
      const gi = backprop(
        net,
        { inputs: rows(d.inputs, i), targets: rows(d.targets, i) },
        'cross-entropy',
      );
      gi.weights.forEach((w, l) => {
        w.data.forEach((v, k) => {
          sum.weights[l]!.data[k]! += v / 9;
        });
      });
      gi.biases.forEach((b, l) => {
        b.data.forEach((v, k) => {
          sum.biases[l]!.data[k]! += v / 9;
        });
      });
    }
    g.weights.forEach((w, l) => {
      expect(w.rows).toBe(net.layers[l]!.weights.rows);
      expect(w.cols).toBe(net.layers[l]!.weights.cols);
      w.data.forEach((v, k) => {
        expect(v).toBeCloseTo(sum.weights[l]!.data[k]!, 14);
      });
    });
    g.biases.forEach((b, l) => {
      b.data.forEach((v, k) => {
        expect(v).toBeCloseTo(sum.biases[l]!.data[k]!, 14);
      });
    });
  });
  it('does not modify the network', () => {
    const before = net.layers.map((l) => Array.from(l.weights.data));
    backprop(net, d, 'quadratic');
    expect(net.layers.map((l) => Array.from(l.weights.data))).toEqual(before);
  });
});

describe('gradientCheck', () => {
  it('catches a wrong derivative', () => {
    const wrong: Activation = {
      ...tanh,
      derivativeBatch: (z, a, out) => {
        const o = tanh.derivativeBatch(z, a, out);
        for (let i = 0; i < o.data.length; i++) o.data[i]! *= 1.5;
        return o;
      },
    };
    const net = createNetwork([4, 5, 3], { activations: [wrong, 'sigmoid'], seed: 2 });
    expect(gradientCheck(net, data(2, 4, 4, 3), 'quadratic')).toBeGreaterThan(0.05);
  });
});

describe('evaluate', () => {
  it('gives the total cost and the argmax accuracy', () => {
    const net = createNetwork([4, 5, 3], { seed: 8 });
    const d = data(3, 31, 4, 3);
    const a = feedforward(net, d.inputs);
    const predicted = toArray(a).map((r) => r.indexOf(Math.max(...r)));
    const actual = toArray(d.targets).map((r) => r.indexOf(1));
    const correct = predicted.filter((p, i) => p === actual[i]).length;
    const e = evaluate(net, d, 'quadratic', { lambda: 2, chunk: 4 });
    expect(e.correct).toBe(correct);
    expect(e.n).toBe(31);
    expect(e.accuracy).toBe(correct / 31);
    expect(e.cost).toBeCloseTo(totalCost(quadratic, a, d.targets, { lambda: 2, network: net }), 13);
  });
  it('classifies a single output neuron by output > 0.5', () => {
    const net: Network = createNetwork([1, 1], {
      activation: 'linear',
      init: { name: 'one', weightStd: () => 0, biasStd: () => 0 },
    });
    net.layers[0]!.weights.data[0] = 1;
    const e = evaluate(
      net,
      { inputs: fromArray([[0.2], [0.9], [0.7]]), targets: fromArray([[0], [1], [0]]) },
      'quadratic',
    );
    expect(e.correct).toBe(2);
  });
});

describe('learningSpeeds', () => {
  const net = createNetwork([6, 5, 5, 5, 2], { init: 'scaled', seed: 4 });
  const d = data(5, 40, 6, 2);
  it('is the norm of ∂C/∂b (and ∂C/∂w) of each layer over the data, whatever the chunk size', () => {
    const g = backprop(net, d, 'cross-entropy');
    const s = learningSpeeds(net, d, 'cross-entropy', { chunk: 7 });
    g.biases.forEach((b, l) => {
      expect(s.biases[l]).toBeCloseTo(frobeniusNorm(b), 14);
      expect(s.weights[l]).toBeCloseTo(frobeniusNorm(g.weights[l]!), 14);
    });
  });
  it('lambda changes the weight norms only', () => {
    const plain = learningSpeeds(net, d, 'cross-entropy');
    const l2 = learningSpeeds(net, d, 'cross-entropy', { lambda: 5, n: 1000 });
    expect(l2.biases).toEqual(plain.biases);
    const g = backprop(net, d, 'cross-entropy');
    g.weights.forEach((w, l) => {
      const withL2 = fromArray(
        toArray(w).map((row, j) =>
          row.map((v, k) => v + (5 / 1000) * net.layers[l]!.weights.data[j * w.cols + k]!),
        ),
      );
      expect(l2.weights[l]).toBeCloseTo(frobeniusNorm(withL2), 14);
    });
  });
});
