import {
  binaryCode,
  binaryLayer,
  binaryWeights,
  bitsFor,
  decodeBinary,
  decodeBinaryBatch,
  oneHot,
} from '@mlisp/encoders';
import { feedforward, type Network } from '@mlisp/neurons';
import { fromArray, toArray } from '@mlisp/tensor';
import { describe, expect, it } from 'vitest';

/** The problem set's table, row by row (output neuron 1 = LSB first). */
const PROBLEM_SET_TABLE = [
  [-1, 1, -1, 1, -1, 1, -1, 1, -1, 1],
  [-1, -1, 1, 1, -1, -1, 1, 1, -1, -1],
  [-1, -1, -1, -1, 1, 1, 1, 1, -1, -1],
  [-1, -1, -1, -1, -1, -1, -1, -1, 1, 1],
];

function layerNetwork(classes: number, gain = 1): Network {
  const layer = binaryLayer(classes, { gain });
  return { sizes: [classes, layer.weights.rows], layers: [layer] };
}

/** 0.99 at the true digit, 0.01 elsewhere (the worked example, errata applied). */
function confident(digit: number, classes = 10): number[] {
  return Array.from({ length: classes }, (_, d) => (d === digit ? 0.99 : 0.01));
}

describe('the one-hot → binary layer', () => {
  it('has exactly the problem set table for ten classes, bias 0, sigmoid', () => {
    expect(binaryWeights(10)).toEqual(PROBLEM_SET_TABLE);
    const layer = binaryLayer();
    expect(toArray(layer.weights)).toEqual(PROBLEM_SET_TABLE);
    expect(Array.from(layer.biases.data)).toEqual([0, 0, 0, 0]);
    expect(layer.activation.name).toBe('sigmoid');
  });

  it('uses ceil(log2 classes) bits', () => {
    expect([2, 3, 4, 5, 8, 9, 10, 16, 17].map(bitsFor)).toEqual([1, 2, 2, 3, 3, 4, 4, 4, 5]);
    expect(binaryWeights(3)).toEqual([
      [-1, 1, -1],
      [-1, -1, 1],
    ]);
  });

  it('writes codes MSB first', () => {
    expect(binaryCode(9, 10)).toBe('1001');
    expect(binaryCode(0, 10)).toBe('0000');
    expect(binaryCode(2, 3)).toBe('10');
    expect(binaryCode(16, 17)).toBe('10000');
  });

  it('reproduces the worked example: z = (0.98, −1, −1, 0.92) → 1001', () => {
    const net = layerNetwork(10);
    const z = PROBLEM_SET_TABLE.map((row) =>
      row.reduce((s, w, d) => s + w * (confident(9)[d] as number), 0),
    );
    expect(z[0]).toBeCloseTo(0.98, 12);
    expect(z[1]).toBeCloseTo(-1, 12);
    expect(z[2]).toBeCloseTo(-1, 12);
    expect(z[3]).toBeCloseTo(0.92, 12);
    const a = feedforward(net, confident(9));
    expect(decodeBinary(a, 10)).toEqual({ code: '1001', value: 9, label: 9, valid: true });
    expect(decodeBinary(z, 10, { threshold: 0 }).code).toBe('1001');
  });

  it('decodes all ten digits from one-hot and from confident outputs', () => {
    const net = layerNetwork(10);
    for (let d = 0; d < 10; d++) {
      for (const input of [Array.from(oneHot(d, 10)), confident(d)]) {
        const decoded = decodeBinary(feedforward(net, input), 10);
        expect(decoded).toEqual({ code: binaryCode(d, 10), value: d, label: d, valid: true });
      }
    }
  });

  it('decodes every class for other class counts', () => {
    for (const classes of [2, 3, 5, 16, 17]) {
      const net = layerNetwork(classes);
      for (let d = 0; d < classes; d++) {
        expect(decodeBinary(feedforward(net, oneHot(d, classes)), classes).label).toBe(d);
      }
    }
  });

  it('reports codes that name no class as invalid, not as a wrong digit', () => {
    expect(decodeBinary([0.9, 0.9, 0.9, 0.9], 10)).toEqual({
      code: '1111',
      value: 15,
      label: null,
      valid: false,
    });
    for (let value = 10; value < 16; value++) {
      const bits = [0, 1, 2, 3].map((j) => (Math.floor(value / 2 ** j) % 2 === 1 ? 0.8 : 0.2));
      const decoded = decodeBinary(bits, 10);
      expect(decoded.valid).toBe(false);
      expect(decoded.label).toBeNull();
      expect(decoded.value).toBe(value);
    }
    // All ten inputs at 0.5: every z is −1 (or −2 for the MSB), code 0000 is a valid 0.
    const batch = decodeBinaryBatch(
      fromArray([
        [0.6, 0.1, 0.1, 0.9],
        [0.4, 0.4, 0.4, 0.4],
      ]),
      10,
    );
    expect(batch.map((b) => b.code)).toEqual(['1001', '0000']);
  });

  it('decides strictly above the threshold (σ(0) = 0.5 is a 0 bit)', () => {
    expect(decodeBinary([0.5, 0.5, 0.5, 0.5], 10).code).toBe('0000');
    expect(decodeBinary([0, 1e-300, -1e-300, 0], 10, { threshold: 0 }).code).toBe('0010');
  });

  it('multiplies every weight by the gain without changing any decision', () => {
    for (const gain of [0.1, 1, 5, 100]) {
      const layer = binaryLayer(10, { gain });
      expect(toArray(layer.weights)).toEqual(PROBLEM_SET_TABLE.map((r) => r.map((w) => gain * w)));
      const net = layerNetwork(10, gain);
      for (let d = 0; d < 10; d++) {
        expect(decodeBinary(feedforward(net, confident(d)), 10).label).toBe(d);
      }
    }
    const low = feedforward(layerNetwork(10, 1), confident(9));
    const high = feedforward(layerNetwork(10, 10), confident(9));
    expect(high[0]).toBeGreaterThan(low[0] as number);
    expect(high[1]).toBeLessThan(low[1] as number);
    expect(high[0]).toBeGreaterThan(0.99);
  });

  it('rejects bad classes, gains, labels and outputs with clear messages', () => {
    expect(() => binaryLayer(1)).toThrow(new TypeError('classes must be an integer >= 2, got 1'));
    expect(() => binaryWeights(2.5)).toThrow(/classes must be an integer >= 2, got 2.5/);
    for (const gain of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => binaryLayer(10, { gain })).toThrow(
        new TypeError(`gain must be a finite number > 0, got ${gain}`),
      );
    }
    expect(() => binaryCode(10, 10)).toThrow(
      new RangeError('label is 10, outside 0..9 for 10 classes'),
    );
    expect(() => decodeBinary([1, 1, 1], 10)).toThrow(
      new RangeError('outputs has 3 values, expected 4 bits for 10 classes'),
    );
    expect(() => decodeBinary([1, Number.NaN, 1, 1], 10)).toThrow(/bit 1 is NaN/);
    expect(() => decodeBinary([1, 1, 1, 1], 10, { threshold: Number.NaN })).toThrow(/threshold/);
    expect(() => decodeBinaryBatch(fromArray([[1, 2]]), 10)).toThrow(/expected 1x4/);
  });
});
