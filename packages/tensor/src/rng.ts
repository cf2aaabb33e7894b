import type { FloatArray } from './matrix.js';

/** The complete state of an {@link Rng}: save it, and {@link Rng.fromState} continues the exact stream. */
export interface RandomState {
  readonly algorithm: 'xoshiro128**';
  /** The four 32-bit words of the generator, as unsigned integers. */
  readonly s: readonly [number, number, number, number];
  /** A second standard normal draw kept from the last Box–Muller pair, or null. */
  readonly spareNormal: number | null;
}

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

function splitmix32(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * A seeded pseudo-random generator (xoshiro128**): the only source of
 * randomness in MLISP. Same seed, same sequence, on every platform.
 *
 * @example
 * const rng = new Rng(42);
 * rng.uniform(); // a number in [0, 1)
 * rng.normal();  // a standard normal draw
 */
export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spare: number | null = null;

  /** @param seed - any integer in [0, 2^53); the same seed gives the same sequence */
  constructor(seed: number) {
    if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) {
      throw new TypeError(`seed must be a non-negative safe integer, got ${String(seed)}`);
    }
    // Mix both halves of the seed so that seeds above 2^32 differ too.
    const next = splitmix32((seed % TWO_POW_32) ^ Math.imul(Math.floor(seed / TWO_POW_32), 0x27d4eb2d));
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** A generator that continues exactly where the one whose state was saved left off. */
  static fromState(state: RandomState): Rng {
    const rng = new Rng(0);
    rng.setState(state);
    return rng;
  }

  /** The generator's complete state (a plain, JSON-serialisable object). */
  getState(): RandomState {
    return {
      algorithm: 'xoshiro128**',
      s: [this.s0, this.s1, this.s2, this.s3],
      spareNormal: this.spare,
    };
  }

  /** Restores a state from {@link getState}; the stream then continues from there. */
  setState(state: RandomState): void {
    if (state === null || typeof state !== 'object' || state.algorithm !== 'xoshiro128**') {
      throw new TypeError("state must be an object from getState() with algorithm 'xoshiro128**'");
    }
    const s = state.s;
    if (!Array.isArray(s) || s.length !== 4) {
      throw new TypeError('state.s must be an array of four unsigned 32-bit integers');
    }
    s.forEach((w, i) => {
      if (!Number.isInteger(w) || w < 0 || w >= TWO_POW_32) {
        throw new TypeError(`state.s[${i}] must be an unsigned 32-bit integer, got ${String(w)}`);
      }
    });
    if ((s[0] | s[1] | s[2] | s[3]) === 0) throw new TypeError('state.s must not be all zeros');
    const spare = state.spareNormal;
    if (spare !== null && (typeof spare !== 'number' || !Number.isFinite(spare))) {
      throw new TypeError(`state.spareNormal must be null or a finite number, got ${String(spare)}`);
    }
    this.s0 = s[0];
    this.s1 = s[1];
    this.s2 = s[2];
    this.s3 = s[3];
    this.spare = spare;
  }

  /** The next raw 32-bit output, an integer in [0, 2^32). */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    this.s0 >>>= 0;
    this.s1 >>>= 0;
    this.s2 >>>= 0;
    this.s3 >>>= 0;
    return result;
  }

  /** A uniform draw in [low, high) with 53 random bits; [0, 1) by default. */
  uniform(low = 0, high = 1): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    const u = (hi * 67108864 + lo) / TWO_POW_53;
    return low + (high - low) * u;
  }

  /** A uniform integer in [0, n), without modulo bias. n must be in [1, 2^32]. */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) {
      throw new TypeError(`n must be an integer in [1, 2^32], got ${String(n)}`);
    }
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** A normal draw (Box–Muller); mean 0 and standard deviation 1 by default. */
  normal(mean = 0, std = 1): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return mean + std * z;
    }
    const u = 1 - this.uniform(); // (0, 1]: log stays finite
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    const theta = 2 * Math.PI * v;
    this.spare = r * Math.sin(theta);
    return mean + std * r * Math.cos(theta);
  }

  /** Fills `out` with normal draws in index order and returns it. */
  fillNormal<T extends FloatArray>(out: T, mean = 0, std = 1): T {
    for (let i = 0; i < out.length; i++) out[i] = this.normal(mean, std);
    return out;
  }

  /** Fills `out` with uniform draws in [low, high) in index order and returns it. */
  fillUniform<T extends FloatArray>(out: T, low = 0, high = 1): T {
    for (let i = 0; i < out.length; i++) out[i] = this.uniform(low, high);
    return out;
  }

  /** Shuffles `array` in place (Fisher–Yates, from the end) and returns it. */
  shuffleInPlace<T extends { length: number; [index: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    if (!Number.isInteger(n) || n < 0) {
      throw new TypeError(`n must be a non-negative integer, got ${String(n)}`);
    }
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffleInPlace(p);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
