import { ModelFormatError, toModelJson } from '@mlisp/neurons';
import { describe, expect, it } from 'vitest';
import { parseModelFile } from './model-file.js';
import { toNetwork2 } from './network2.js';
import { randomNetwork } from './test-helpers.js';

describe('parseModelFile', () => {
  const { network } = randomNetwork([3, 2], ['sigmoid']);
  const model = toModelJson(network, { cost: 'quadratic', meta: { epochs: 3 } });

  it('reads mlisp-network files, network2.py JSON and checkpoints, saying which', () => {
    const a = parseModelFile(JSON.stringify(model));
    expect([a.kind, a.cost, a.meta]).toEqual(['mlisp-network', 'quadratic', { epochs: 3 }]);
    const b = parseModelFile(toNetwork2(network, 'cross-entropy'));
    expect([b.kind, b.cost]).toEqual(['network2', 'cross-entropy']);
    const c = parseModelFile({ format: 'mlisp-checkpoint', version: 1, model, trainer: {} });
    expect(c.kind).toBe('mlisp-checkpoint');
    for (const m of [a, b, c]) {
      expect(Array.from(m.network.layers[0]!.weights.data)).toEqual(
        Array.from(network.layers[0]!.weights.data),
      );
    }
  });

  const bad: [string, unknown, RegExp][] = [
    ['text that is not JSON', 'nope', /not JSON/],
    ['a number', 42, /JSON number is not a model: expected an mlisp-network model file/],
    ['an unknown format', { format: 'keras' }, /"format": "keras" is not a model/],
    ['other fields', { layers: [] }, /an object with the fields layers is not a model/],
    ['a checkpoint without a model', { format: 'mlisp-checkpoint' }, /without a "model" field/],
    [
      'a checkpoint with a broken model',
      { format: 'mlisp-checkpoint', model: { ...model, sizes: [3] } },
      /the checkpoint's model: .*sizes/,
    ],
    ['a broken mlisp-network file', { ...model, biases: [] }, /biases/],
  ];
  it.each(bad)('%s: ModelFormatError', (_, value, message) => {
    expect(() => parseModelFile(value)).toThrow(ModelFormatError);
    expect(() => parseModelFile(value)).toThrow(message);
  });
});

describe('parseModelFile of text', () => {
  it('refuses text far larger than its declared sizes before parsing it', () => {
    const arrays = `[${'[],'.repeat(200_000)}[]]`;
    const text = `{"sizes":[2,1],"weights":${arrays},"biases":[[[0]]],"cost":"QuadraticCost"}`;
    expect(() => parseModelFile(text)).toThrow(ModelFormatError);
    expect(() => parseModelFile(text)).toThrow(/arrays, far more than/);
  });
});
