import { binaryCode, decodeBinaryBatch, oneHotBatch, stackBinaryEncoder } from '@mlisp/encoders';
import { createNetwork, feedforward, type Network, networkFromWeights } from '@mlisp/neurons';
import { fromArray } from '@mlisp/tensor';
import { describe, expect, it } from 'vitest';

function snapshot(network: Network): number[][] {
  return network.layers.flatMap((l) => [Array.from(l.weights.data), Array.from(l.biases.data)]);
}

describe('stackBinaryEncoder', () => {
  it('appends the binary layer: sizes [..., 10, 4]', () => {
    const net = createNetwork([6, 5, 10], { seed: 3 });
    const stacked = stackBinaryEncoder(net, { gain: 2 });
    expect(stacked.sizes).toEqual([6, 5, 10, 4]);
    expect(stacked.layers).toHaveLength(3);
    expect(stacked.layers[2]?.weights.data[0]).toBe(-2);
  });

  it('leaves the original untouched and shares no storage with it', () => {
    const net = createNetwork([6, 5, 10], { seed: 3 });
    const before = snapshot(net);
    const stacked = stackBinaryEncoder(net);
    for (const layer of stacked.layers) {
      layer.weights.data.fill(7);
      layer.biases.data.fill(7);
    }
    expect(snapshot(net)).toEqual(before);
    expect(net.sizes).toEqual([6, 5, 10]);
    expect(net.layers).toHaveLength(2);
  });

  it('outputs the code of the digit a one-hot-passing network names', () => {
    // A network whose only layer copies its 10 inputs through a steep sigmoid.
    const identity = Array.from({ length: 10 }, (_, j) =>
      Array.from({ length: 10 }, (_, k) => (j === k ? 20 : 0)),
    );
    const net = networkFromWeights({
      weights: [identity],
      biases: [Array(10).fill(-10)],
      activations: ['sigmoid'],
    });
    const stacked = stackBinaryEncoder(net);
    const labels = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const decoded = decodeBinaryBatch(feedforward(stacked, oneHotBatch(labels, 10)), 10);
    expect(decoded.map((d) => d.code)).toEqual(labels.map((d) => binaryCode(d, 10)));
    expect(decoded.map((d) => d.label)).toEqual(labels);
  });

  it('rejects networks with one output and bad gains', () => {
    const single = createNetwork([3, 1], { seed: 1 });
    expect(() => stackBinaryEncoder(single)).toThrow(/at least 2 outputs .* got 1/);
    expect(() => stackBinaryEncoder(createNetwork([3, 10]), { gain: 0 })).toThrow(
      /gain must be a finite number > 0, got 0/,
    );
    expect(() => stackBinaryEncoder(fromArray([[1]]) as unknown as Network)).toThrow(
      /network must be a Network/,
    );
  });
});
