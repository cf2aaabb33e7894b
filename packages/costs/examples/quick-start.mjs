import { crossEntropy, quadratic, totalCost } from '@mlisp/costs';
import { createNetwork, sigmoid } from '@mlisp/neurons';
import { fromArray } from '@mlisp/tensor';

// Problem 7: a sigmoid neuron that is badly wrong (z = 4, so a ≈ 0.98, but y = 0).
const z = fromArray([[4]]);
const a = sigmoid.forward(z);
const y = fromArray([[0]]);
console.log('a =', a.data[0].toFixed(4));
console.log(
  'quadratic     C =',
  quadratic.sum(a, y).toFixed(4),
  ' delta =',
  quadratic.delta(z, a, y, sigmoid).data[0].toFixed(4),
);
console.log(
  'cross-entropy C =',
  crossEntropy.sum(a, y).toFixed(4),
  ' delta =',
  crossEntropy.delta(z, a, y, sigmoid).data[0].toFixed(4),
);

// Problem 6: the cross-entropy is least at a = y, where it is -[y ln y + (1 - y) ln(1 - y)].
console.log(
  'C(a = y = 0.3) =',
  crossEntropy.fn([0.3], [0.3]).toFixed(4),
  ' C(a = 0.5, y = 0.3) =',
  crossEntropy.fn([0.5], [0.3]).toFixed(4),
);

// Finite even when an output saturates at exactly 0 or 1 (0 ln 0 = 0).
console.log(
  'C(a = 1, y = 1) =',
  crossEntropy.fn([1], [1]),
  ' C(a = 0, y = 1) =',
  crossEntropy.fn([0], [1]).toFixed(2),
);

// The total cost of a batch: the mean over its samples plus the L2 term 0.5 (lambda/n) sum w^2.
const net = createNetwork([2, 2], { seed: 1 });
const batch = fromArray([
  [0.9, 0.2],
  [0.1, 0.7],
]);
const targets = fromArray([
  [1, 0],
  [0, 1],
]);
console.log(
  'total cost, lambda = 0:',
  totalCost(crossEntropy, batch, targets).toFixed(4),
  ' lambda = 5:',
  totalCost(crossEntropy, batch, targets, { lambda: 5, network: net }).toFixed(4),
);
