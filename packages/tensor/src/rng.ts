import { assertFiniteNumber } from './errors.js';
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
    // The low 32 bits fix s0 (splitmix32's output is a bijection of its seed);
    // the high bits then move s2 by a bijection that maps 0 to 0. So distinct
    // seeds give distinct states, and a seed below 2^32 is plain splitmix32.
    const lo = seed % TWO_POW_32;
    const hi = Math.floor(seed / TWO_POW_32);
    const next = splitmix32(lo);
    this.s0 = next();
    this.s1 = next();
    this.s2 = (next() ^ Math.imul(hi, 0x9e3779b1)) >>> 0;
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /**
   * A generator that continues exactly where the one whose state was saved left off.
   *
   * @param state - from {@link Rng.getState} (a JSON round trip of it is fine)
   */
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

  /**
   * Restores a state from {@link Rng.getState}; the stream then continues from there.
   *
   * @param state - from {@link Rng.getState} (a JSON round trip of it is fine)
   */
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
      throw new TypeError(
        `state.spareNormal must be null or a finite number, got ${String(spare)}`,
      );
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

  /** A uniform draw in [0, 1) with 53 random bits (two outputs of the generator). */
  private next53(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / TWO_POW_53;
  }

  /**
   * A uniform draw in [low, high), [0, 1) by default, with 53 random bits.
   *
   * @param low - smallest possible value, a finite number
   * @param high - the bound above, a finite number >= low (low === high gives low)
   */
  uniform(low = 0, high = 1): number {
    assertRange(low, high);
    return this.scaled(low, high);
  }

  private scaled(low: number, high: number): number {
    const x = low + (high - low) * this.next53();
    // Rounding can land on `high` itself when high - low is not a power of two.
    return x < high ? x : low;
  }

  /**
   * A uniform integer in [0, n), without modulo bias.
   *
   * @param n - the number of possible values, an integer in [1, 2^32]
   */
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

  /**
   * A normal draw (Box–Muller: each pair of uniforms gives two draws, the
   * second kept for the next call and saved in the state).
   *
   * @param mean - mean of the distribution, a finite number (default 0)
   * @param std - standard deviation, a finite number >= 0 (default 1)
   */
  normal(mean = 0, std = 1): number {
    assertNormalParameters(mean, std);
    return mean + std * this.standardNormal();
  }

  private standardNormal(): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return z;
    }
    const u = 1 - this.next53(); // (0, 1]: the log stays finite
    const v = this.next53();
    const r = Math.sqrt(-2 * Math.log(u));
    const theta = 2 * Math.PI * v;
    this.spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /**
   * Fills `out` with normal draws in index order (the same draws as calling
   * {@link Rng.normal} out.length times) and returns it.
   *
   * @param out - a Float64Array or Float32Array, overwritten
   * @param mean - mean of the distribution, a finite number (default 0)
   * @param std - standard deviation, a finite number >= 0 (default 1)
   */
  fillNormal<T extends FloatArray>(out: T, mean = 0, std = 1): T {
    assertFloatArray(out);
    assertNormalParameters(mean, std);
    for (let i = 0; i < out.length; i++) out[i] = mean + std * this.standardNormal();
    return out;
  }

  /**
   * Fills `out` with uniform draws in [low, high) in index order (the same
   * draws as calling {@link Rng.uniform} out.length times) and returns it.
   *
   * @param out - a Float64Array or Float32Array, overwritten
   * @param low - smallest possible value, a finite number (default 0)
   * @param high - the bound above, a finite number >= low (default 1)
   */
  fillUniform<T extends FloatArray>(out: T, low = 0, high = 1): T {
    assertFloatArray(out);
    assertRange(low, high);
    for (let i = 0; i < out.length; i++) {
      out[i] = this.scaled(low, high);
      // Rounding to float32 can reach `high`; keep the interval half-open.
      if ((out[i] as number) >= high) out[i] = low;
    }
    return out;
  }

  /**
   * Shuffles `array` in place (Fisher–Yates, from the end) and returns it.
   *
   * @param array - an array or typed array, reordered in place
   */
  shuffleInPlace<T extends { length: number; [index: number]: unknown }>(array: T): T {
    if (array === null || typeof array !== 'object' || !Number.isInteger(array.length)) {
      throw new TypeError('array must be an array or a typed array');
    }
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }

  /**
   * A random permutation of 0..n-1 (for shuffling a training set by index).
   *
   * @param n - the number of elements, a non-negative integer
   */
  permutation(n: number): Int32Array {
    if (!Number.isInteger(n) || n < 0) {
      throw new TypeError(`n must be a non-negative integer, got ${String(n)}`);
    }
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffleInPlace(p);
  }
}

function assertRange(low: number, high: number): void {
  assertFiniteNumber('low', low);
  assertFiniteNumber('high', high);
  if (low > high) throw new TypeError(`low must be <= high, got low ${low} and high ${high}`);
}

function assertNormalParameters(mean: number, std: number): void {
  assertFiniteNumber('mean', mean);
  assertFiniteNumber('std', std);
  if (std < 0) throw new TypeError(`std must be >= 0, got ${std}`);
}

function assertFloatArray(out: unknown): void {
  if (!(out instanceof Float64Array || out instanceof Float32Array)) {
    throw new TypeError('out must be a Float64Array or a Float32Array');
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
