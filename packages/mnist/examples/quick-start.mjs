// Run after `pnpm build`: node examples/quick-start.mjs
import { encodeIdx, oneHotTargets, parseIdx, prepareDigit, subset } from '@mlisp/mnist';
import { loadBundled } from '@mlisp/mnist/node';

const { train, test } = await loadBundled();
console.log(train.size, test.size, `${train.images.rows}x${train.images.cols}`);
console.log('first labels:', Array.from(train.labels.subarray(0, 10)).join(' '));

const batch = subset(train, 32); // the first 32 samples, no copy
const y = oneHotTargets(batch.labels);
console.log(
  'targets:',
  `${y.rows}x${y.cols}`,
  'row 0:',
  Array.from(y.data.subarray(0, 10)).join(''),
);

// A dark stroke on white paper, 40 x 30 pixels, becomes an MNIST-style input.
const gray = new Uint8Array(40 * 30).fill(255);
for (let y = 5; y < 25; y++) for (let x = 18; x < 22; x++) gray[y * 40 + x] = 0;
const input = prepareDigit(gray, 40, 30);
console.log('prepared:', input.length, 'values, max', Math.max(...input));

const idx = parseIdx(
  encodeIdx({ type: 'uint8', dims: [2, 2], data: Uint8Array.of(0, 64, 128, 255) }),
);
console.log('idx:', idx.type, idx.dims.join('x'), Array.from(idx.data).join(' '));
