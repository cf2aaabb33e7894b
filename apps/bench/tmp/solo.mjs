import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { oneHotTargets } from '@mlisp/mnist';
import { loadBundledSync } from '@mlisp/mnist/node';
import { createNetwork } from '@mlisp/neurons';
import { createEpochEngineSync } from '@mlisp/trainer';

const split = loadBundledSync();
const inputs = split.train.images,
  targets = oneHotTargets(split.train.labels);
const net = createNetwork([784, 100, 10], { init: 'scaled', seed: 1, activation: 'sigmoid' });
const engine = createEpochEngineSync(net, {
  cost: 'cross-entropy',
  eta: 0.5,
  lambda: 5,
  batchSize: 10,
  dtype: 'float32',
  threads: 1,
});
const n = inputs.rows;
const order = Array.from({ length: n }, (_, i) => i);
const epoch = () => {
  const t0 = performance.now();
  for (let s = 0; s < n; s += 250) engine.runEpoch(inputs, targets, order.slice(s, s + 250));
  return performance.now() - t0;
};
if (isMainThread) {
  const w = new Worker(new URL(import.meta.url), { workerData: 1 });
  const ask = () =>
    new Promise((r) => {
      w.once('message', r);
      w.postMessage('go');
    });
  epoch();
  await ask();
  for (let i = 0; i < 6; i++) {
    const a = epoch();
    const b = await ask();
    console.log('main', a.toFixed(1), 'worker', b.toFixed(1));
  }
  await w.terminate();
} else {
  parentPort.on('message', () => parentPort.postMessage(epoch()));
}
