#!/usr/bin/env node
// Measures the MNIST figures of the book on the bundled 7996/2004 split of
// @mlisp/mnist, seeded, against the built packages (run `pnpm build` first):
//
//   A  [784, 30, 10], quadratic cost, eta 3.0, mini-batch 10, 'normal' init (network.py)
//   B  [784, 100, 10], cross-entropy, eta 0.5, lambda 5.0, mini-batch 10, 'scaled' init (network2.py)
//   speeds  per-layer speed of learning ||dC/db^l|| at initialisation of
//           [784,30,30,10], [784,30,30,30,10], [784,30,30,30,30,10] (scaled init,
//           cross-entropy, lambda 5, the first 1000 training images; the book's chapter 5)
//
// Usage: node scripts/mnist-check.mjs [A|B|speeds|all] [--seed N] [--epochs N]
// Prints one line per epoch and a summary (the accuracy after epochs 10 and 30, and
// the best of epochs 1-10); exits non-zero when a target is missed: A reaches 85% and
// B 93.0% within the first 10 epochs; in the deepest network the first hidden layer
// learns at least 10x slower than the last hidden one.
import { createNetwork } from '@mlisp/neurons';
import { learningSpeeds, trainInPlace } from '@mlisp/trainer';
import { oneHotTargets, subset } from '../../mnist/dist/index.js';
import { loadBundledSync } from '../../mnist/dist/node.js';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : Number(args[i + 1]);
};
const which = args.find((a) => !a.startsWith('--') && !/^\d+$/.test(a)) ?? 'all';
const seed = flag('--seed', 1);
const epochs = flag('--epochs', 30);

const { train, test } = loadBundledSync();
const asData = (d) => ({ inputs: d.images, targets: oneHotTargets(d.labels), labels: d.labels });
const training = asData(train);
const evaluation = asData(test);
console.log(`bundled split: ${train.size} training, ${test.size} test images; seed ${seed}`);

let ok = true;

function run(name, sizes, init, options) {
  const network = createNetwork(sizes, { init, seed });
  const accuracy = [];
  const seconds = [];
  const cpu = [];
  let lastCpu = process.cpuUsage();
  trainInPlace(network, training, {
    ...options,
    epochs,
    batchSize: 10,
    seed,
    evaluationData: evaluation,
    monitor: { trainingCost: false, trainingAccuracy: false, evaluationCost: false },
    learningSpeedSamples: 0,
    onEpoch: (e) => {
      const used = process.cpuUsage(lastCpu);
      lastCpu = process.cpuUsage();
      const cpuSeconds = (used.user + used.system) / 1e6;
      accuracy.push(e.evaluationAccuracy);
      seconds.push(e.seconds);
      cpu.push(cpuSeconds);
      console.log(
        `${name} epoch ${String(e.epoch).padStart(2)}: test accuracy ${(100 * e.evaluationAccuracy).toFixed(2)}%  (${e.seconds.toFixed(3)} s training, ${cpuSeconds.toFixed(3)} s CPU with evaluation)`,
      );
    },
  });
  const mean = (xs) => xs.reduce((s, v) => s + v, 0) / xs.length;
  const pct = (v) => `${(100 * v).toFixed(2)}%`;
  const at = (k) => (k <= accuracy.length ? pct(accuracy[k - 1]) : 'n/a');
  console.log(
    `${name}: after 10 epochs ${at(10)} (best of epochs 1-10 ${pct(Math.max(...accuracy.slice(0, 10)))}), after 30 epochs ${at(30)}, best ${pct(Math.max(...accuracy))}; ${mean(seconds).toFixed(3)} s training (wall) and ${mean(cpu).toFixed(3)} s CPU per epoch`,
  );
  return accuracy;
}

if (which === 'A' || which === 'all') {
  const acc = run('A [784,30,10] quadratic eta=3', [784, 30, 10], 'normal', {
    cost: 'quadratic',
    eta: 3.0,
  });
  if (acc.length >= 10 && !(Math.max(...acc.slice(0, 10)) >= 0.85)) {
    ok = false;
    console.log('A: MISSED the target of 85% by epoch 10');
  }
}
if (which === 'B' || which === 'all') {
  const acc = run('B [784,100,10] cross-entropy eta=0.5 lambda=5', [784, 100, 10], 'scaled', {
    cost: 'cross-entropy',
    eta: 0.5,
    lambda: 5.0,
  });
  if (acc.length >= 10 && !(Math.max(...acc.slice(0, 10)) >= 0.93)) {
    ok = false;
    console.log('B: MISSED the target of 93.0% by epoch 10');
  }
}
if (which === 'speeds' || which === 'all') {
  const first = {
    inputs: subset(train, 1000).images,
    targets: oneHotTargets(subset(train, 1000).labels),
  };
  for (const sizes of [
    [784, 30, 30, 10],
    [784, 30, 30, 30, 10],
    [784, 30, 30, 30, 30, 10],
  ]) {
    const network = createNetwork(sizes, { init: 'scaled', seed });
    const speeds = learningSpeeds(network, first, 'cross-entropy', { lambda: 5 });
    const hidden = speeds.biases.slice(0, -1);
    console.log(
      `speeds [${sizes.join(',')}]: hidden ${hidden.map((s) => s.toFixed(3)).join(', ')}; output ${speeds.biases.at(-1).toFixed(3)}`,
    );
    if (sizes.length === 6) {
      const ratio = hidden.at(-1) / hidden[0];
      console.log(`  last hidden / first hidden = ${ratio.toFixed(1)}x`);
      if (!(ratio >= 10)) {
        ok = false;
        console.log('speeds: MISSED the target of a 10x ratio');
      }
    }
  }
}
process.exit(ok ? 0 : 1);
