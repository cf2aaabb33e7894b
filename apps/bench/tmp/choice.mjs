import { oneHotTargets } from '@mlisp/mnist';
import { loadBundledSync } from '@mlisp/mnist/node';
import { createNetwork } from '@mlisp/neurons';
import { createEpochEngine } from '@mlisp/trainer';

const split = loadBundledSync();
const inputs = split.train.images,
  targets = oneHotTargets(split.train.labels);
const threads = process.argv[2] === 'auto' ? 'auto' : Number(process.argv[2]);
const net = createNetwork((process.argv[3] ?? '784,100,10').split(',').map(Number), {
  init: 'scaled',
  seed: 1,
  activation: 'sigmoid',
});
const engine = await createEpochEngine(net, {
  cost: 'cross-entropy',
  eta: 0.5,
  lambda: 5,
  batchSize: 10,
  dtype: 'float32',
  threads,
  inputDensity: 0.39,
});
const picks = [];
const ch = engine.choice;
const rc = ch.record.bind(ch);
ch.record = (c, s, w) => {
  picks.push((c.onWorker ? 'w' : c.threads) + ':' + ((s / w) * 1e6).toFixed(1));
  rc(c, s, w);
};
const n = inputs.rows;
const order = Array.from({ length: n }, (_, i) => i);
const testT = oneHotTargets(split.test.labels);
for (let e = 0; e < 6; e++) {
  picks.length = 0;
  const t0 = performance.now();
  for (let s = 0; s < n; s += 250) engine.runEpoch(inputs, targets, order.slice(s, s + 250));
  const t1 = performance.now();
  engine.evaluate(split.test.images, testT, split.test.labels);
  const t2 = performance.now();
  console.log(
    threads,
    e,
    ((t1 - t0) / 1000).toFixed(3),
    ((t2 - t1) / 1000).toFixed(4),
    picks.join(' ').slice(0, 400),
  );
}
engine.close();
