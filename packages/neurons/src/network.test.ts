import {
  cloneNetwork,
  createNetwork,
  feedforward,
  initializerByName,
  type Network,
  networkFromWeights,
  scale,
  sigmoid,
  step,
} from '@mlisp/neurons';
import { fromArray, type Matrix, Rng, toArray } from '@mlisp/tensor';
import { describe, expect, it } from 'vitest';

/** Straightforward per-sample feedforward with nested arrays (the reference). */
function naiveFeedforward(net: Network, x: readonly number[]): number[] {
  let a = [...x];
  for (const layer of net.layers) {
    const { rows, cols, data } = layer.weights;
    const z: number[] = [];
    for (let j = 0; j < rows; j++) {
      let s = layer.biases.data[j] as number;
      for (let k = 0; k < cols; k++) s += (data[j * cols + k] as number) * (a[k] as number);
      z.push(s);
    }
    if (layer.activation.name === 'softmax') {
      const m = Math.max(...z);
      const e = z.map((v) => Math.exp(v - m));
      const t = e.reduce((p, q) => p + q, 0);
      a = e.map((v) => v / t);
    } else {
      a = z.map((v) => layer.activation.fn(v));
    }
  }
  return a;
}

function weightsOf(net: Network): number[] {
  return net.layers.flatMap((l) => [...Array.from(l.weights.data), ...Array.from(l.biases.data)]);
}

describe('createNetwork', () => {
  it('builds n_out x n_in weights and 1 x n_out biases per layer', () => {
    const net = createNetwork([4, 3, 2], { seed: 1 });
    expect(net.sizes).toEqual([4, 3, 2]);
    expect(
      net.layers.map((l) => [l.weights.rows, l.weights.cols, l.biases.rows, l.biases.cols]),
    ).toEqual([
      [3, 4, 1, 3],
      [2, 3, 1, 2],
    ]);
    expect(net.layers.every((l) => l.activation === sigmoid)).toBe(true);
  });
  it('uses activation for hidden layers and outputActivation for the last one, or a list', () => {
    const net = createNetwork([3, 4, 4, 2], {
      activation: 'tanh',
      outputActivation: 'softmax',
      seed: 2,
    });
    expect(net.layers.map((l) => l.activation.name)).toEqual(['tanh', 'tanh', 'softmax']);
    const listed = createNetwork([3, 4, 2], { activations: ['relu', step], seed: 2 });
    expect(listed.layers.map((l) => l.activation.name)).toEqual(['relu', 'step']);
  });
  it('is deterministic in the seed, and a seed equals an Rng made from it', () => {
    const a = createNetwork([5, 4, 3], { seed: 42 });
    const b = createNetwork([5, 4, 3], { seed: 42 });
    const c = createNetwork([5, 4, 3], { rng: new Rng(42) });
    const d = createNetwork([5, 4, 3], { seed: 43 });
    expect(weightsOf(a)).toEqual(weightsOf(b));
    expect(weightsOf(a)).toEqual(weightsOf(c));
    expect(weightsOf(a)).not.toEqual(weightsOf(d));
  });
  it("draws network.py's order: all biases layer by layer, then all weights row-major", () => {
    const rng = new Rng(7);
    const draws = Array.from({ length: 3 + 2 + 12 + 6 }, () => rng.normal());
    const net = createNetwork([4, 3, 2], { init: 'normal', seed: 7 });
    expect(Array.from(net.layers[0]!.biases.data)).toEqual(draws.slice(0, 3));
    expect(Array.from(net.layers[1]!.biases.data)).toEqual(draws.slice(3, 5));
    expect(Array.from(net.layers[0]!.weights.data)).toEqual(draws.slice(5, 17));
    expect(Array.from(net.layers[1]!.weights.data)).toEqual(draws.slice(17, 23));
  });
  it('scaled init divides the weights by sqrt(n_in) and keeps N(0,1) biases', () => {
    const n = createNetwork([9, 5, 4], { init: 'normal', seed: 3 });
    const s = createNetwork([9, 5, 4], { init: 'scaled', seed: 3 });
    n.layers.forEach((layer, l) => {
      const sl = s.layers[l]!;
      expect(Array.from(sl.biases.data)).toEqual(Array.from(layer.biases.data));
      const root = Math.sqrt(layer.weights.cols);
      layer.weights.data.forEach((w, i) => {
        expect(sl.weights.data[i]).toBeCloseTo(w / root, 15);
      });
    });
  });
  it('xavier and he have zero biases and the documented weight spread', () => {
    for (const [name, expected] of [
      ['xavier', Math.sqrt(2 / (400 + 300))],
      ['he', Math.sqrt(2 / 400)],
    ] as const) {
      const net = createNetwork([400, 300], { init: name, seed: 5 });
      const w = net.layers[0]!.weights.data;
      const mean = Array.from(w).reduce((p, q) => p + q, 0) / w.length;
      const std = Math.sqrt(Array.from(w).reduce((p, q) => p + (q - mean) ** 2, 0) / w.length);
      expect(Math.abs(std / expected - 1)).toBeLessThan(0.01);
      expect(Math.abs(mean)).toBeLessThan(0.01 * expected);
      expect(net.layers[0]!.biases.data.every((b) => b === 0)).toBe(true);
    }
  });
  it('accepts a custom initialiser and float32', () => {
    const net = createNetwork([2, 2], {
      init: { name: 'ones', weightStd: () => 0, biasStd: () => 0 },
      dtype: 'float32',
    });
    expect(net.layers[0]!.weights.data).toBeInstanceOf(Float32Array);
    expect(Array.from(net.layers[0]!.weights.data)).toEqual([0, 0, 0, 0]);
  });
  it('rejects bad arguments with messages naming them', () => {
    expect(() => createNetwork([3] as number[])).toThrow(
      'sizes must have at least 2 entries (inputs and outputs), got 1',
    );
    expect(() => createNetwork([3, 0])).toThrow('sizes[1] must be a positive integer, got 0');
    expect(() => createNetwork([3, 2.5])).toThrow('sizes[1] must be a positive integer, got 2.5');
    expect(() => createNetwork('3,2' as unknown as number[])).toThrow(
      'sizes must be an array of layer sizes, got string',
    );
    expect(() => createNetwork([3, 2], { seed: 1, rng: new Rng(1) })).toThrow(
      'give either seed or rng, not both',
    );
    expect(() => createNetwork([3, 2], { activation: 'swish' as 'relu' })).toThrow(
      /unknown activation "swish"/,
    );
    expect(() => createNetwork([3, 2, 1], { activations: ['relu'] })).toThrow(
      'activations must list one activation per layer (2), got 1',
    );
    expect(() => createNetwork([3, 2], { init: 'glorot' as 'he' })).toThrow(
      'unknown initialiser "glorot"; known initialisers: normal, scaled, xavier, he',
    );
    expect(() => initializerByName('x')).toThrow(TypeError);
    expect(() =>
      createNetwork([3, 2], { init: { name: 'bad', weightStd: () => -1, biasStd: () => 0 } }),
    ).toThrow(/standard deviation must be finite and >= 0, got -1/);
    expect(() => createNetwork([3, 2], { rng: {} as Rng })).toThrow('rng must be an Rng');
  });
});

describe('feedforward', () => {
  const net = createNetwork([5, 7, 6, 3], {
    activation: 'tanh',
    outputActivation: 'softmax',
    seed: 9,
  });
  const rng = new Rng(1);
  const inputs = Array.from({ length: 6 }, () => Array.from({ length: 5 }, () => rng.normal()));
  it('of one input equals a per-neuron reference, from an array or typed array', () => {
    for (const x of inputs) {
      const expected = naiveFeedforward(net, x);
      const out = feedforward(net, x);
      expect(out).toBeInstanceOf(Float64Array);
      Array.from(out).forEach((v, j) => {
        expect(v).toBeCloseTo(expected[j] as number, 13);
      });
      expect(Array.from(feedforward(net, Float64Array.from(x)))).toEqual(Array.from(out));
    }
  });
  it('of a batch gives one output per row, equal to feeding the rows one by one', () => {
    const out = feedforward(net, fromArray(inputs)) as Matrix;
    expect([out.rows, out.cols]).toEqual([6, 3]);
    toArray(out).forEach((row, i) => {
      expect(row).toEqual(Array.from(feedforward(net, inputs[i]!)));
    });
  });
  it('runs a float32 network and returns float64 for one input', () => {
    const n32 = cloneNetwork(net, 'float32');
    const out = feedforward(n32, inputs[0]!);
    expect(out).toBeInstanceOf(Float64Array);
    Array.from(out).forEach((v, j) => {
      expect(v).toBeCloseTo(feedforward(net, inputs[0]!)[j]!, 5);
    });
    expect(feedforward(n32, fromArray(inputs)).data).toBeInstanceOf(Float32Array);
  });
  it('names both shapes when the input does not fit', () => {
    expect(() => feedforward(net, [1, 2, 3])).toThrow(
      'feedforward: the input is 1x3 (3 values) but the network takes 1x5 (sizes[0] = 5)',
    );
    expect(() => feedforward(net, fromArray([[1, 2]]))).toThrow(
      'feedforward: the batch is 1x2 but the network takes 1x5 (one sample of sizes[0] = 5 per row)',
    );
    expect(() => feedforward(net, 'abc' as unknown as number[])).toThrow(TypeError);
    expect(() => feedforward(net, [1, 2, 3, 4, '5'] as unknown as number[])).toThrow(
      'x[4] must be a number, got string',
    );
  });
});

describe('scale and cloneNetwork', () => {
  it('scale multiplies every weight and bias and leaves the input untouched', () => {
    const net = createNetwork([3, 4, 2], { seed: 4 });
    const before = weightsOf(net);
    const scaled = scale(net, -2.5);
    expect(weightsOf(net)).toEqual(before);
    weightsOf(scaled).forEach((v, i) => {
      expect(v).toBe(-2.5 * (before[i] as number));
    });
    expect(() => scale(net, Number.POSITIVE_INFINITY)).toThrow(
      'c must be a finite number, got Infinity',
    );
  });
  it('a perceptron network is unchanged by scaling with c > 0 (problem 1)', () => {
    const net = createNetwork([6, 5, 4, 3], { activation: 'step', seed: 8 });
    const rng = new Rng(2);
    for (const c of [1e-6, 0.3, 1, 17, 1e6]) {
      const s = scale(net, c);
      for (let t = 0; t < 20; t++) {
        const x = Array.from({ length: 6 }, () => rng.normal());
        expect(Array.from(feedforward(s, x))).toEqual(Array.from(feedforward(net, x)));
      }
    }
  });
  it('cloneNetwork copies storage', () => {
    const net = createNetwork([2, 2], { seed: 1 });
    const copy = cloneNetwork(net);
    copy.layers[0]!.weights.data[0] = 99;
    expect(net.layers[0]!.weights.data[0]).not.toBe(99);
    expect(copy.layers[0]!.activation).toBe(net.layers[0]!.activation);
  });
});

describe('networkFromWeights', () => {
  // Problem 3: the one-hot -> binary layer, +1 where the bit is set, -1 elsewhere, bias 0.
  const weights = [0, 1, 2, 3].map((bit) =>
    Array.from({ length: 10 }, (_, d) => ((d >> bit) & 1 ? 1 : -1)),
  );
  it("reproduces problem 3's worked example (pre-activations 0.98, -1, -1, 0.92 -> 1001)", () => {
    const net = networkFromWeights({
      weights: [weights],
      biases: [[0, 0, 0, 0]],
      activations: ['linear'],
    });
    expect(net.sizes).toEqual([10, 4]);
    const x = [0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.99];
    const z = Array.from(feedforward(net, x));
    [0.98, -1, -1, 0.92].forEach((v, j) => {
      expect(z[j]).toBeCloseTo(v, 12);
    });
    const bits = z.map((v) => (sigmoid.fn(v) > 0.5 ? 1 : 0));
    expect(bits).toEqual([1, 0, 0, 1]);
  });
  it('rejects missing or misshapen arrays', () => {
    expect(() => networkFromWeights({ weights: [], biases: [], activations: [] })).toThrow(
      /non-empty/,
    );
    expect(() =>
      networkFromWeights({ weights: [[[1, 2]]], biases: [[0, 0]], activations: ['linear'] }),
    ).toThrow('biases[0] has 2 values, expected 1');
    expect(() =>
      networkFromWeights({ weights: [[[1, 2], [3]]], biases: [[0, 0]], activations: ['linear'] }),
    ).toThrow('weights[0][1] has 1 values, expected 2');
    expect(() => networkFromWeights({ weights: [[[1]]], biases: [[0]], activations: [] })).toThrow(
      'activations must have one entry per layer (1), got 0',
    );
    expect(() =>
      networkFromWeights({
        weights: [[['1']]] as unknown as number[][][],
        biases: [[0]],
        activations: ['relu'],
      }),
    ).toThrow('weights[0][0][0] must be a number, got string');
  });
});
