import { addRowVector, argmaxRows, fromArray, gemm, Rng, toArray, zeros } from '@mlisp/tensor';

// A mini-batch of 2 samples (one per row), a layer of 2 neurons with 3 inputs each.
const x = fromArray([
  [1, 2, 3],
  [4, 5, 6],
]);
const w = fromArray([
  [0.5, -1, 0],
  [1, 1, 1],
]);
const b = fromArray([[0.1, -0.2]]);

// z = x · wᵀ + b, written into a preallocated matrix.
const z = zeros(2, 2);
gemm(x, w, { transB: true, out: z });
addRowVector(z, b, z);
console.log(toArray(z));
console.log(argmaxRows(z));

// Seeded randomness: same seed, same draws; a saved state resumes the stream exactly.
const rng = new Rng(42);
const weights = rng.fillNormal(new Float64Array(3), 0, 1);
console.log(Array.from(weights, (v) => v.toFixed(4)));
const saved = JSON.stringify(rng.getState());
const next = [rng.normal(), rng.uniform(), rng.int(10)];
const resumed = Rng.fromState(JSON.parse(saved));
const again = [resumed.normal(), resumed.uniform(), resumed.int(10)];
console.log(next.every((v, i) => v === again[i]));
