import { Rng, zeros } from '@mlisp/tensor';
import type { EpochEvent } from '../src/types.js';

// Data and helpers shared by the training tests.

/** n samples of 3 classes in `features` dimensions (feature c has mean 1.5 for class c, else 0; unit variance), one-hot targets. */
export function classification(seed: number, n: number, features = 4) {
  const rng = new Rng(seed);
  const inputs = zeros(n, features);
  const targets = zeros(n, 3);
  for (let i = 0; i < n; i++) {
    const c = rng.int(3);
    for (let k = 0; k < features; k++)
      inputs.data[i * features + k] = rng.normal(k === c ? 1.5 : 0, 1);
    targets.data[i * 3 + c] = 1;
  }
  return { inputs, targets };
}

/** An epoch history without its timings (which differ from run to run). */
export const withoutSeconds = (h: readonly EpochEvent[]) =>
  h.map(({ seconds: _s, ...rest }) => rest);
