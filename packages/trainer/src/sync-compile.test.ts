// Where WebAssembly cannot be compiled synchronously (a browser's main thread
// refuses modules over a few KB), trainInPlace's 'auto' trains with the
// matrix loop, and a forced engine path says why it cannot run. Simulated by
// a WebAssembly.Module that throws, in a file of its own (nothing compiled yet).
import { createNetwork } from '@mlisp/neurons';
import { fromArray } from '@mlisp/tensor';
import { trainInPlace } from '@mlisp/trainer';
import { afterAll, describe, expect, it } from 'vitest';

const original = WebAssembly.Module;
afterAll(() => {
  WebAssembly.Module = original;
});

describe('no synchronous WebAssembly compilation', () => {
  it("'auto' falls back to the matrix loop; a forced path throws the runtime's error", () => {
    WebAssembly.Module = class {
      constructor() {
        throw new RangeError('WebAssembly.Module is disallowed on the main thread');
      }
    } as unknown as typeof WebAssembly.Module;
    const data = {
      inputs: fromArray([
        [0, 1],
        [1, 0],
      ]),
      targets: fromArray([[1], [0]]),
    };
    const options = { cost: 'cross-entropy' as const, eta: 1, epochs: 2, batchSize: 2 };
    const result = trainInPlace(createNetwork([2, 3, 1], { seed: 1 }), data, options);
    expect(result.path).toBe('matrix');
    expect(() =>
      trainInPlace(createNetwork([2, 3, 1], { seed: 1 }), data, {
        ...options,
        engine: 'wasm-simd',
      }),
    ).toThrow(/disallowed on the main thread/);
  });
});
