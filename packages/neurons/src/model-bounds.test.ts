import {
  checkModelText,
  createNetwork,
  MAX_MODEL_NEURONS,
  MAX_MODEL_PARAMETERS,
  ModelFormatError,
  parseModel,
  serializeModel,
} from '@mlisp/neurons';
import { Rng } from '@mlisp/tensor';
import { describe, expect, it } from 'vitest';

const header = (sizes: number[], activations: string[]) =>
  `{"format":"mlisp-network","version":1,"sizes":${JSON.stringify(sizes)},"activations":${JSON.stringify(activations)},"cost":"cross-entropy"`;

function thrown(f: () => unknown): ModelFormatError {
  try {
    f();
  } catch (e) {
    if (e instanceof ModelFormatError) return e;
    throw e;
  }
  throw new Error('no ModelFormatError');
}

describe('checkModelText: the work of reading a model is bounded by its declared shape', () => {
  const net = createNetwork([6, 5, 3], { rng: new Rng(3) });
  const text = serializeModel(net, {
    cost: 'cross-entropy',
    meta: { note: 'ok', list: [[1], [2]] },
  });

  it('accepts a real model file, compact or pretty-printed, and parseModel reads it', () => {
    checkModelText(text);
    checkModelText(JSON.stringify(JSON.parse(text), null, 2));
    expect(parseModel(text).network.sizes).toEqual([6, 5, 3]);
  });

  it('refuses sizes needing more than MAX_MODEL_PARAMETERS weights or MAX_MODEL_NEURONS neurons', () => {
    const big = `${header([784, 20_000, 10], ['sigmoid', 'sigmoid'])},"weights":[],"biases":[],"meta":{}}`;
    const e = thrown(() => parseModel(big));
    expect(e.path).toBe('sizes');
    expect(e.message).toContain(`more than the ${MAX_MODEL_PARAMETERS.toLocaleString('en-US')}`);
    const wide = `${header([1, 2_000_000], ['sigmoid'])},"weights":[],"biases":[],"meta":{}}`;
    // 4,000,000 parameters are allowed, but 2,000,000 neurons of one weight each are not.
    expect(thrown(() => parseModel(wide)).message).toContain(
      `more than the ${MAX_MODEL_NEURONS.toLocaleString('en-US')}`,
    );
  });

  it('refuses a file too short for its declared weights, before parsing', () => {
    const short = `${header([1000, 1000], ['sigmoid'])},"weights":[[]],"biases":[[]],"meta":{}}`;
    expect(thrown(() => parseModel(short)).message).toMatch(/too short for the 1,001,000 weights/);
  });

  it('refuses millions of tiny arrays that its sizes do not need (the 40 MB file that took 1.8 GB)', () => {
    const padded = `${header([3, 2], ['sigmoid'])},"weights":[[${'[0],'.repeat(300_000)}[0]]],"biases":[[0,0]],"meta":{}}`;
    const e = thrown(() => parseModel(padded));
    expect(e.message).toMatch(
      /holds 300,00\d arrays, far more than the \d+ its sizes \[3,2\] need/,
    );
    const values = `${header([3, 2], ['sigmoid'])},"weights":[[[0,0,0],[0,0,0]]],"biases":[[0,0]],"meta":{"pad":[${'0,'.repeat(1_200_000)}0]}}`;
    expect(thrown(() => parseModel(values)).message).toMatch(/holds about 1,200,0\d\d values/);
  });

  it('ignores brackets and commas inside strings, and leaves malformed sizes to the field checks', () => {
    const tricky = JSON.stringify({ ...JSON.parse(text), meta: { s: '[[[[,,,,]]]]'.repeat(10) } });
    checkModelText(tricky);
    expect(parseModel(tricky).meta.s).toBe('[[[[,,,,]]]]'.repeat(10));
    const bad = `${header([3, -1], ['sigmoid'])},"weights":[],"biases":[],"meta":{}}`;
    expect(thrown(() => parseModel(bad)).path).toBe('sizes[1]');
  });

  it('a byte-order mark before the JSON is accepted', () => {
    const parsed = parseModel(`\uFEFF${text}`);
    expect(Array.from(parsed.network.layers[0]?.weights.data ?? [])).toEqual(
      Array.from(net.layers[0]?.weights.data ?? []),
    );
  });
});

describe('checkModelText of a model inside another file (a training checkpoint)', () => {
  const net = createNetwork([6, 5, 3], { rng: new Rng(4) });
  const model = JSON.parse(serializeModel(net, { cost: 'cross-entropy' }));
  const velocities = {
    weights: [Array(30).fill(0), Array(15).fill(0)],
    biases: [Array(5).fill(0), Array(3).fill(0)],
  };
  const checkpoint = (history: unknown[]) =>
    JSON.stringify({
      format: 'mlisp-checkpoint',
      settings: { sizes: [1, 1] },
      model,
      trainer: { velocities, order: [2, 0, 1], history },
    });

  it('finds the sizes of `within` (not those of the settings), and accepts a real checkpoint', () => {
    checkModelText(checkpoint([]), { within: 'model', copies: 2 });
    const huge = checkpoint([]).replace('"sizes":[6,5,3]', '"sizes":[6,5000000,3]');
    expect(thrown(() => checkModelText(huge, { within: 'model', copies: 2 })).message).toMatch(
      /declares 50,000,003 weights and biases/,
    );
  });

  it('refuses a checkpoint padded with arrays its model does not need', () => {
    const padded = checkpoint(Array.from({ length: 150_000 }, () => []));
    expect(thrown(() => checkModelText(padded, { within: 'model', copies: 2 })).message).toMatch(
      /holds 150,0\d\d arrays, far more than/,
    );
  });
});
