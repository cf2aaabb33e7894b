import type { CostName } from '@mlisp/costs';
import { type ActivationName, createNetwork, type Network } from '@mlisp/neurons';
import { type Matrix, Rng, zeros } from '@mlisp/tensor';
import { gradientCheck, gradientCheckReport } from '@mlisp/trainer';
import { describe, expect, it } from 'vitest';

function randomBatch(net: Network, m: number, oneHot: boolean, seed: number) {
  const rng = new Rng(seed);
  const nIn = net.sizes[0]!;
  const nOut = net.sizes[net.sizes.length - 1]!;
  const inputs = zeros(m, nIn);
  for (let i = 0; i < inputs.data.length; i++) inputs.data[i] = rng.normal();
  const targets: Matrix = zeros(m, nOut);
  for (let i = 0; i < m; i++) {
    if (oneHot) targets.data[i * nOut + rng.int(nOut)] = 1;
    else for (let j = 0; j < nOut; j++) targets.data[i * nOut + j] = rng.uniform();
  }
  return { inputs, targets };
}

const outputs: [CostName, ActivationName][] = [
  ['quadratic', 'sigmoid'],
  ['cross-entropy', 'sigmoid'],
  ['log-likelihood', 'softmax'],
];
const hidden: ActivationName[] = ['sigmoid', 'tanh', 'leaky-relu'];
const cases = outputs.flatMap(([cost, out]) => hidden.map((h) => [cost, out, h] as const));

describe('gradientCheck', () => {
  it.each(cases)(
    '%s cost, %s outputs, %s hidden layers: backprop agrees with finite differences',
    (cost, out, h) => {
      for (const [seed, sizes] of [
        [1, [6, 5, 4, 3]],
        [2, [4, 7, 6, 5, 3]],
      ] as const) {
        const net = createNetwork(sizes, {
          activation: h,
          outputActivation: out,
          init: 'scaled',
          seed,
        });
        const batch = randomBatch(net, 5, cost === 'log-likelihood', seed + 10);
        const report = gradientCheckReport(net, batch, cost);
        expect(report.blocks).toHaveLength(2 * (sizes.length - 1));
        expect(report.maxRelativeError).toBeLessThan(1e-7);
        expect(gradientCheck(net, batch, cost, { lambda: 0.7 })).toBeLessThan(1e-7);
      }
    },
  );
});
