import {
  createNetwork,
  feedforward,
  networkFromWeights,
  parseModel,
  scale,
  serializeModel,
  sigmoid,
} from '@mlisp/neurons';
import { fromArray } from '@mlisp/tensor';

// A [2, 3, 1] sigmoid network with network.py's N(0, 1) weights, seeded.
const net = createNetwork([2, 3, 1], { activation: 'sigmoid', init: 'normal', seed: 42 });
console.log('one input:', feedforward(net, [0.5, -1])[0].toFixed(6));
const batch = feedforward(
  net,
  fromArray([
    [0, 0],
    [1, 1],
  ]),
); // one sample per row
console.log(
  'a batch:',
  `${batch.rows}x${batch.cols}`,
  Array.from(batch.data, (v) => v.toFixed(6)).join(' '),
);

// Problem 1: scaling a perceptron network by c > 0 changes no output.
const perceptron = createNetwork([2, 3, 1], { activation: 'step', seed: 7 });
const inputs = [
  [0.3, -0.8],
  [-1, 0.5],
  [2, 2],
  [-0.4, -0.1],
];
const outputs = (n) => inputs.map((x) => feedforward(n, x)[0]).join(' ');
console.log(
  'perceptron, c = 1:',
  outputs(perceptron),
  ' c = 1000:',
  outputs(scale(perceptron, 1000)),
);

// Problem 3's worked example: the one-hot -> binary layer (bias 0).
const bits = [0, 1, 2, 3].map((b) => Array.from({ length: 10 }, (_, d) => ((d >> b) & 1 ? 1 : -1)));
const binary = networkFromWeights({
  weights: [bits],
  biases: [[0, 0, 0, 0]],
  activations: ['linear'],
});
const z = feedforward(binary, [0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.99]);
console.log(
  'problem 3: z =',
  Array.from(z, (v) => v.toFixed(2)).join(' '),
  '-> bits (LSB first)',
  Array.from(z, (v) => (sigmoid.fn(v) > 0.5 ? 1 : 0)).join(''),
);

// The model file round trip is exact.
const text = serializeModel(net, { cost: 'quadratic', meta: { note: 'demo' } });
const { network, cost, meta } = parseModel(text);
console.log(
  'model file:',
  JSON.parse(text).format,
  cost,
  meta.note,
  feedforward(network, [0.5, -1])[0] === feedforward(net, [0.5, -1])[0],
);
