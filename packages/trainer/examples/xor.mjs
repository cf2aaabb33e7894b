import { createNetwork, feedforward } from '@mlisp/neurons';
import { fromArray, toArray } from '@mlisp/tensor';
import {
  gradientCheck,
  learningSpeeds,
  trainInPlace,
  UntrainableNetworkError,
} from '@mlisp/trainer';

// XOR: four samples, one per row.
const data = {
  inputs: fromArray([
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ]),
  targets: fromArray([[0], [1], [1], [0]]),
};
const net = createNetwork([2, 3, 1], { activation: 'sigmoid', init: 'normal', seed: 1 });

console.log('gradient check below 1e-7:', gradientCheck(net, data, 'cross-entropy') < 1e-7);
console.log(
  'learning speeds at the start:',
  learningSpeeds(net, data, 'cross-entropy')
    .biases.map((s) => s.toFixed(4))
    .join(' '),
);

const { history, stopReason } = trainInPlace(net, data, {
  cost: 'cross-entropy',
  eta: 3,
  epochs: 1000,
  batchSize: 4,
  seed: 1,
  // Only what is asked for is measured (network2.py's monitor flags).
  monitor: { trainingCost: true, trainingAccuracy: true },
  onEpoch: (e) => {
    if (e.epoch % 250 === 0)
      console.log(
        `epoch ${e.epoch}: cost ${e.trainingCost.toFixed(4)}, accuracy ${e.trainingAccuracy}`,
      );
  },
});
console.log(stopReason, 'after', history.length, 'epochs');
for (const x of toArray(data.inputs)) {
  console.log(x.join(' xor '), '->', feedforward(net, x)[0].toFixed(3));
}

// A perceptron network cannot be trained by gradient descent (problem 10).
try {
  trainInPlace(createNetwork([2, 3, 1], { activation: 'step' }), data, {
    cost: 'quadratic',
    eta: 1,
    epochs: 1,
    batchSize: 4,
  });
} catch (e) {
  console.log(e instanceof UntrainableNetworkError, e.message.slice(0, 62));
}
