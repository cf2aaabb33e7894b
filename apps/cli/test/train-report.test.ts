// pickSamples predicts the test digits a chunk at a time, only as far as it
// needs: its choice must be the one made from every prediction at once.
import { subset } from '@mlisp/mnist';
import { loadBundledSync } from '@mlisp/mnist/node';
import { createNetwork, type Network } from '@mlisp/neurons';
import { describe, expect, it } from 'vitest';
import { predictBatch } from '../src/classify.js';
import { pickSamples } from '../src/train-report.js';

const { test } = loadBundledSync({ dtype: 'float32' });

/** The choice from all of the first 500 predictions: the first count − 2, then the first wrong ones, then the next ones. */
function reference(network: Network, set: typeof test, count = 6): number[] {
  const n = Math.min(set.size, 500);
  const cols = set.images.cols;
  const predicted = predictBatch(network, {
    rows: n,
    cols,
    data: set.images.data.subarray(0, n * cols),
  });
  const shown = Math.min(n, count - 2);
  const chosen = Array.from({ length: shown }, (_, i) => i);
  const wrong: number[] = [];
  for (let i = shown; i < n && wrong.length < count - shown; i++) {
    if (predicted[i]?.prediction !== set.labels[i]) wrong.push(i);
  }
  for (let i = shown; i < n && chosen.length + wrong.length < count; i++) {
    if (!wrong.includes(i)) chosen.push(i);
  }
  return [...chosen, ...wrong].sort((a, b) => a - b);
}

describe('pickSamples', () => {
  const untrained = createNetwork([784, 20, 10], { seed: 3 });
  it('picks the digits the full prediction picks, with their predictions', () => {
    const picked = pickSamples(untrained, test);
    expect(picked.map((s) => s.index)).toEqual(reference(untrained, test));
    const all = predictBatch(untrained, {
      rows: 500,
      cols: 784,
      data: test.images.data.subarray(0, 500 * 784),
    });
    for (const s of picked) {
      expect(s.prediction).toBe(all[s.index]?.prediction);
      expect(s.label).toBe(test.labels[s.index]);
      expect(s.outputs).toEqual(all[s.index]?.outputs);
    }
    // After the first four, two it gets wrong (an untrained network gets most digits wrong).
    expect(picked.slice(4).map((s) => s.prediction !== s.label)).toEqual([true, true]);
  });

  it('goes past the first chunk when the wrong digits come late, and fills up when there are too few', () => {
    // A "network" that is right on every digit but a chosen few: its output layer reads the label
    // from a test set whose images carry it (pixel 0), so wrong answers sit where they are planted.
    const few = subset(test, 300);
    const data = Float32Array.from(few.images.data);
    const labels = Uint8Array.from(few.labels);
    const net = createNetwork([784, 10], { seed: 1 });
    const layer = net.layers[0] as Network['layers'][number];
    const w = layer.weights.data;
    w.fill(0);
    layer.biases.data.fill(-5);
    for (let j = 0; j < 10; j++) w[j * 784 + j] = 10; // output j fires on pixel j
    for (let i = 0; i < 300; i++) {
      data.fill(0, i * 784, i * 784 + 10);
      const shown =
        i === 130 || i === 250 ? ((labels[i] as number) === 0 ? 1 : 0) : (labels[i] as number);
      data[i * 784 + shown] = 1;
    }
    const set = { ...few, images: { ...few.images, data }, labels };
    const picked = pickSamples(net, set);
    expect(picked.map((s) => s.index)).toEqual([0, 1, 2, 3, 130, 250]);
    expect(picked.map((s) => s.index)).toEqual(reference(net, set));
    // One wrong digit only: the next right ones fill the six.
    data.fill(0, 250 * 784, 250 * 784 + 10);
    data[250 * 784 + (labels[250] as number)] = 1;
    expect(pickSamples(net, set).map((s) => s.index)).toEqual([0, 1, 2, 3, 4, 130]);
    expect(reference(net, set)).toEqual([0, 1, 2, 3, 4, 130]);
  });
});
