import {
  type Activation,
  createNetwork,
  feedforward,
  MODEL_COST_NAMES,
  ModelFormatError,
  type ModelJson,
  networkFromWeights,
  parseModel,
  serializeModel,
  sigmoid,
  toModelJson,
} from '@mlisp/neurons';
import { describe, expect, it } from 'vitest';

function small(): ModelJson {
  // [3, 2, 2]: layer 1 weights[0][j][k] = 10j + k, layer 2 weights[1][j][k] = -(10j + k)
  const net = networkFromWeights({
    weights: [
      [
        [0, 1, 2],
        [10, 11, 12],
      ],
      [
        [-0, -1],
        [-10, -11],
      ],
    ],
    biases: [
      [0.5, -0.5],
      [1, 2],
    ],
    activations: ['tanh', 'sigmoid'],
  });
  return toModelJson(net, { cost: 'cross-entropy', meta: { note: 'small' } });
}

function thrown(fn: () => unknown): ModelFormatError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ModelFormatError);
    return e as ModelFormatError;
  }
  throw new Error('expected a ModelFormatError');
}

describe('toModelJson / serializeModel', () => {
  it('writes exactly the documented format, field order included', () => {
    const json = small();
    expect(Object.keys(json)).toEqual([
      'format',
      'version',
      'sizes',
      'activations',
      'cost',
      'weights',
      'biases',
      'meta',
    ]);
    expect(json).toEqual({
      format: 'mlisp-network',
      version: 1,
      sizes: [3, 2, 2],
      activations: ['tanh', 'sigmoid'],
      cost: 'cross-entropy',
      weights: [
        [
          [0, 1, 2],
          [10, 11, 12],
        ],
        [
          [-0, -1],
          [-10, -11],
        ],
      ],
      biases: [
        [0.5, -0.5],
        [1, 2],
      ],
      meta: { note: 'small' },
    });
  });
  it('weights[l][j][k] goes from neuron k of layer l to neuron j of layer l+1', () => {
    const net = createNetwork([784, 30, 10], { seed: 1 });
    const json = toModelJson(net, { cost: 'quadratic' });
    expect(json.weights[0]).toHaveLength(30);
    expect(json.weights[0]![0]).toHaveLength(784);
    expect(json.weights[1]).toHaveLength(10);
    expect(json.weights[1]![3]).toHaveLength(30);
    expect(json.weights[0]![5]![7]).toBe(net.layers[0]!.weights.data[5 * 784 + 7]);
    expect(json.biases[1]![9]).toBe(net.layers[1]!.biases.data[9]);
    expect(json.meta).toEqual({});
  });
  it('refuses an unknown cost, custom activations and non-JSON metadata', () => {
    const net = createNetwork([2, 2], { seed: 1 });
    expect(() => toModelJson(net, { cost: 'hinge' as never })).toThrow(
      'toModelJson: options.cost must be one of quadratic, cross-entropy, log-likelihood, got hinge',
    );
    const custom: Activation = { ...sigmoid };
    expect(() =>
      toModelJson(createNetwork([2, 2], { activation: custom }), { cost: 'quadratic' }),
    ).toThrow(
      "toModelJson: layer 1 has a custom activation 'sigmoid' that a model file cannot name",
    );
    expect(() => toModelJson(net, { cost: 'quadratic', meta: [] as never })).toThrow(
      'options.meta must be a plain object',
    );
    expect(() => toModelJson(net, { cost: 'quadratic', meta: { n: 1n } })).toThrow(
      /not JSON-serialisable/,
    );
  });
});

describe('parseModel', () => {
  it('round-trips every weight and bias exactly, with activations, cost and meta', () => {
    const net = createNetwork([5, 7, 6, 4], {
      activations: ['relu', 'leaky-relu', 'softmax'],
      seed: 12,
    });
    for (const cost of MODEL_COST_NAMES) {
      const text = serializeModel(net, {
        cost,
        meta: { epochs: 30, accuracy: 0.95, tags: ['a', { b: null }] },
      });
      const parsed = parseModel(text);
      expect(parsed.cost).toBe(cost);
      expect(parsed.meta).toEqual({ epochs: 30, accuracy: 0.95, tags: ['a', { b: null }] });
      expect(parsed.network.sizes).toEqual([5, 7, 6, 4]);
      parsed.network.layers.forEach((layer, l) => {
        expect(layer.activation).toBe(net.layers[l]!.activation);
        expect(Array.from(layer.weights.data)).toEqual(Array.from(net.layers[l]!.weights.data));
        expect(Array.from(layer.biases.data)).toEqual(Array.from(net.layers[l]!.biases.data));
      });
      expect(Array.from(feedforward(parsed.network, [1, 2, 3, 4, 5]))).toEqual(
        Array.from(feedforward(net, [1, 2, 3, 4, 5])),
      );
      expect(parseModel(JSON.parse(text)).network.sizes).toEqual([5, 7, 6, 4]);
    }
  });
  it('round-trips a float32 network and can load as float32', () => {
    const net = createNetwork([3, 2], { seed: 2, dtype: 'float32' });
    const parsed = parseModel(serializeModel(net, { cost: 'quadratic' }), { dtype: 'float32' });
    expect(parsed.network.layers[0]!.weights.data).toBeInstanceOf(Float32Array);
    expect(Array.from(parsed.network.layers[0]!.weights.data)).toEqual(
      Array.from(net.layers[0]!.weights.data),
    );
  });
  it('accepts a file without meta', () => {
    const { meta: _m, ...rest } = small();
    expect(parseModel(rest).meta).toEqual({});
  });

  const edits: [string, (m: Record<string, unknown>) => void, string, string][] = [
    [
      'format',
      (m) => (m.format = 'keras'),
      'format',
      'format must be "mlisp-network", got the string "keras"',
    ],
    [
      'version',
      (m) => (m.version = 2),
      'version',
      'version must be 1 (the version this reader understands), got 2',
    ],
    [
      'version as a string',
      (m) => (m.version = '1'),
      'version',
      'version must be 1 (the version this reader understands), got the string "1"',
    ],
    [
      'unknown field',
      (m) => (m.extra = 1),
      'extra',
      'extra is not a field of an mlisp-network model file (expected format, version, sizes, activations, cost, weights, biases, meta)',
    ],
    [
      'sizes not an array',
      (m) => (m.sizes = '3,2,2'),
      'sizes',
      'sizes must be an array, got the string "3,2,2"',
    ],
    [
      'one size',
      (m) => (m.sizes = [3]),
      'sizes',
      'sizes must have at least 2 entries (inputs and outputs), got 1',
    ],
    [
      'size as a string',
      (m) => (m.sizes = [3, '2', 2]),
      'sizes[1]',
      'sizes[1] must be a positive integer, got the string "2"',
    ],
    [
      'zero size',
      (m) => (m.sizes = [3, 0, 2]),
      'sizes[1]',
      'sizes[1] must be a positive integer, got 0',
    ],
    [
      'fractional size',
      (m) => (m.sizes = [3, 2.5, 2]),
      'sizes[1]',
      'sizes[1] must be a positive integer, got 2.5',
    ],
    [
      'too few activations',
      (m) => (m.activations = ['tanh']),
      'activations',
      'activations has 1 entries, expected 2',
    ],
    [
      'unknown activation',
      (m) => (m.activations = ['tanh', 'swish']),
      'activations[1]',
      'activations[1] is the string "swish", not a known activation (step, sigmoid, tanh, relu, leaky-relu, linear, softmax)',
    ],
    [
      'unknown cost',
      (m) => (m.cost = 'hinge'),
      'cost',
      'cost is the string "hinge", not one of quadratic, cross-entropy, log-likelihood',
    ],
    [
      'missing cost',
      (m) => delete m.cost,
      'cost',
      'cost is undefined, not one of quadratic, cross-entropy, log-likelihood',
    ],
    [
      'too many layers of weights',
      (m) => (m.weights as unknown[]).push([]),
      'weights',
      'weights has 3 layers, expected 2',
    ],
    [
      'missing row',
      (m) => (m.weights as number[][][])[1]!.pop(),
      'weights[1]',
      'weights[1] has 1 rows, expected 2',
    ],
    [
      'short row',
      (m) => (m.weights as number[][][])[1]![1]!.pop(),
      'weights[1][1]',
      'weights[1][1] has 1 values, expected 2',
    ],
    [
      'row not an array',
      (m) => ((m.weights as unknown[][])[0]![1] = { 0: 1 }),
      'weights[0][1]',
      'weights[0][1] must be an array, got an object',
    ],
    [
      'string weight',
      (m) => ((m.weights as unknown[][][])[0]![1]![2] = '12'),
      'weights[0][1][2]',
      'weights[0][1][2] must be a finite number, got the string "12"',
    ],
    [
      'null weight',
      (m) => ((m.weights as unknown[][][])[0]![0]![0] = null),
      'weights[0][0][0]',
      'weights[0][0][0] must be a finite number, got null',
    ],
    [
      'infinite weight',
      (m) => ((m.weights as unknown[][][])[1]![0]![1] = Number.POSITIVE_INFINITY),
      'weights[1][0][1]',
      'weights[1][0][1] must be a finite number, got Infinity',
    ],
    [
      'NaN bias',
      (m) => ((m.biases as unknown[][])[0]![1] = Number.NaN),
      'biases[0][1]',
      'biases[0][1] must be a finite number, got NaN',
    ],
    [
      'short biases',
      (m) => (m.biases as number[][])[1]!.pop(),
      'biases[1]',
      'biases[1] has 1 values, expected 2',
    ],
    [
      'biases not an array',
      (m) => (m.biases = {}),
      'biases',
      'biases must be an array, got an object',
    ],
    ['meta an array', (m) => (m.meta = []), 'meta', 'meta must be an object, got an array'],
    [
      'meta.constructor',
      (m) => (m.meta = { constructor: { prototype: {} } }),
      'meta.constructor',
      'meta.constructor is a forbidden key ("constructor" could pollute prototypes)',
    ],
    [
      'nested prototype',
      (m) => (m.meta = { a: [{ prototype: 1 }] }),
      'meta.a[0].prototype',
      'meta.a[0].prototype is a forbidden key ("prototype" could pollute prototypes)',
    ],
  ];
  it.each(edits)('rejects %s', (_name, edit, path, message) => {
    const model = small() as unknown as Record<string, unknown>;
    edit(model);
    const e = thrown(() => parseModel(model));
    expect(e.message).toBe(message);
    expect(e.path).toBe(path);
    expect(e.name).toBe('ModelFormatError');
    // the same through JSON text, where the value survives JSON
    const text = JSON.stringify(model);
    if (!text.includes('null') || path === 'weights[0][0][0]') {
      if (!/Infinity|NaN/.test(message))
        expect(thrown(() => parseModel(text)).message).toBe(message);
    }
  });
  it('rejects text that is not JSON, or not an object', () => {
    expect(thrown(() => parseModel('{"format": ')).message).toMatch(
      /^model file: is not valid JSON \(/,
    );
    expect(thrown(() => parseModel('[1, 2]')).message).toBe(
      'model file: must be a JSON object, got an array',
    );
    expect(thrown(() => parseModel(42)).message).toBe('model file: must be a JSON object, got 42');
  });
  it('rejects a __proto__ key in the text (JSON.parse makes it an own key)', () => {
    const text = serializeModel(createNetwork([2, 2]), { cost: 'quadratic' }).replace(
      '"meta":{}',
      '"meta":{"__proto__":{"polluted":true}}',
    );
    const e = thrown(() => parseModel(text));
    expect(e.message).toBe(
      'meta.__proto__ is a forbidden key ("__proto__" could pollute prototypes)',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const top = thrown(() => parseModel('{"__proto__": {"x": 1}, "format": "mlisp-network"}'));
    expect(top.path).toBe('__proto__');
  });
  it('rejects 1e999 written in the text (it parses to Infinity)', () => {
    const text = JSON.stringify(small()).replace('"biases":[[0.5', '"biases":[[1e999');
    expect(thrown(() => parseModel(text)).message).toBe(
      'biases[0][0] must be a finite number, got Infinity',
    );
  });
  it('checks forged sizes against the actual arrays before allocating anything', () => {
    const forged = { ...small(), sizes: [1e9, 1e9, 2] };
    const e = thrown(() => parseModel(forged));
    expect(e.message).toBe('weights[0] has 2 rows, expected 1000000000');
    const huge = { ...small(), sizes: [2 ** 60, 2, 2] };
    expect(thrown(() => parseModel(huge)).message).toBe(
      'sizes[0] must be a positive integer, got 1152921504606847000',
    );
  });
  it('refuses metadata nested absurdly deep, without overflowing the stack', () => {
    let meta: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 20000; i++) meta = { a: meta };
    const e = thrown(() => parseModel({ ...small(), meta }));
    expect(e.message).toMatch(/^meta(\.a)+ is nested more than 64 levels deep$/);
    let ok: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 60; i++) ok = { a: ok };
    expect(parseModel({ ...small(), meta: ok }).meta).toEqual(ok);
  });
});
