import { type RandomState, Rng } from '@mlisp/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectThrows, FC } from './test-helpers.js';

/*
 * An independent reference: xoshiro128** and the splitmix32 seeding written
 * with BigInt arithmetic straight from their definitions.
 */
const M32 = 0xffffffffn;
const rotl = (x: bigint, k: bigint) => ((x << k) | (x >> (32n - k))) & M32;

function referenceSeed(seed: number): bigint[] {
  const lo = BigInt(seed % 2 ** 32);
  const hi = BigInt(Math.floor(seed / 2 ** 32));
  let x = lo;
  const next = () => {
    x = (x + 0x9e3779b9n) & M32;
    let z = x;
    z = ((z ^ (z >> 16n)) * 0x85ebca6bn) & M32;
    z = ((z ^ (z >> 13n)) * 0xc2b2ae35n) & M32;
    return z ^ (z >> 16n);
  };
  const s0 = next();
  const s1 = next();
  const s2 = next() ^ ((hi * 0x9e3779b1n) & M32);
  return [s0, s1, s2, next()];
}

function referenceOutputs(state: bigint[], count: number): number[] {
  const s = [...state] as [bigint, bigint, bigint, bigint];
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    out.push(Number((rotl((s[1] * 5n) & M32, 7n) * 9n) & M32));
    const t = (s[1] << 9n) & M32;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11n);
  }
  return out;
}

const stateOf = (s: [number, number, number, number]): RandomState => ({
  algorithm: 'xoshiro128**',
  s,
  spareNormal: null,
});

/** The s1 whose xoshiro128** output is `output`: undoes ·9, rotl 7 and ·5 modulo 2^32. */
function s1ForOutput(output: number): number {
  const inverse = (a: bigint) => {
    let x = 1n;
    for (let i = 0; i < 5; i++) x = (x * (2n - a * x)) & M32; // Newton: inverse modulo 2^32
    return x;
  };
  const y = (BigInt(output) * inverse(9n)) & M32;
  const r = ((y >> 7n) | (y << 25n)) & M32;
  return Number((r * inverse(5n)) & M32);
}

describe('Rng stream', () => {
  it('matches the BigInt reference of the seeding and of xoshiro128**', () => {
    fc.assert(
      fc.property(fc.oneof(fc.nat(), fc.constant(0), fc.maxSafeNat()), (seed) => {
        const ref = referenceSeed(seed);
        const rng = new Rng(seed);
        expect(rng.getState().s).toEqual(ref.map(Number));
        const got = Array.from({ length: 20 }, () => rng.nextUint32());
        expect(got).toEqual(referenceOutputs(ref, 20));
      }),
      FC,
    );
  });

  it('gives the first outputs of xoshiro128** from state 1, 2, 3, 4 (11520, 0: worked by hand)', () => {
    const rng = Rng.fromState(stateOf([1, 2, 3, 4]));
    expect([rng.nextUint32(), rng.nextUint32()]).toEqual([11520, 0]);
    expect(Array.from({ length: 10 }, () => rng.nextUint32())).toEqual(
      referenceOutputs([1n, 2n, 3n, 4n], 12).slice(2),
    );
  });

  it('gives the same sequence for the same seed, whatever is drawn', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (seed) => {
        const a = new Rng(seed);
        const b = new Rng(seed);
        for (let i = 0; i < 10; i++) {
          expect(a.uniform()).toBe(b.uniform());
          expect(a.normal()).toBe(b.normal());
          expect(a.int(1000)).toBe(b.int(1000));
        }
      }),
      FC,
    );
  });

  it('gives different sequences for different seeds, above 2^32 too', () => {
    const seeds = [
      0,
      1,
      2,
      42,
      2 ** 32 - 1,
      2 ** 32,
      2 ** 32 + 1,
      0x27d4eb2d,
      2 ** 33,
      2 ** 53 - 1,
    ];
    const firsts = seeds.map((s) => {
      const rng = new Rng(s);
      return `${rng.nextUint32()},${rng.nextUint32()},${rng.nextUint32()}`;
    });
    expect(new Set(firsts).size).toBe(seeds.length);
  });
});

describe('Rng state', () => {
  /** Draws a mixed sequence that exercises every method. */
  function draws(rng: Rng, count: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < count; i++) {
      out.push(rng.normal(), rng.uniform(-2, 3), rng.int(7 + i), rng.normal(1, 2));
    }
    out.push(...rng.permutation(5), ...rng.fillNormal(new Float64Array(3)));
    return out;
  }

  it('getState then setState, fromState or a JSON round trip continues the stream exactly', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat({ max: 7 }), (seed, warm) => {
        const rng = new Rng(seed);
        for (let i = 0; i < warm; i++) rng.normal();
        const state = rng.getState();
        // An odd number of normal draws leaves a spare normal in the state.
        expect(state.spareNormal === null).toBe(warm % 2 === 0);
        const json = JSON.parse(JSON.stringify(state)) as RandomState;
        const expected = draws(rng, 5);
        expect(draws(Rng.fromState(state), 5)).toEqual(expected);
        expect(draws(Rng.fromState(json), 5)).toEqual(expected);
        const other = new Rng(seed + 1);
        other.normal();
        other.setState(json);
        expect(draws(other, 5)).toEqual(expected);
      }),
      FC,
    );
  });

  it('the spare normal is part of the state: it is the next normal draw', () => {
    const rng = new Rng(7);
    rng.normal();
    const { spareNormal } = rng.getState();
    expect(typeof spareNormal).toBe('number');
    expect(rng.normal()).toBe(spareNormal);
    expect(rng.getState().spareNormal).toBeNull();
  });

  it('getState returns a snapshot that later draws do not change', () => {
    const rng = new Rng(3);
    const state = rng.getState();
    const copy = JSON.stringify(state);
    rng.uniform();
    expect(JSON.stringify(state)).toBe(copy);
    expect(JSON.stringify(rng.getState())).not.toBe(copy);
  });
});

describe('Rng distributions', () => {
  const N = 100_000;

  it('uniform draws lie in [0, 1) with mean 1/2 and variance 1/12', () => {
    const rng = new Rng(1);
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < N; i++) {
      const u = rng.uniform();
      if (!(u >= 0 && u < 1)) expect.fail(`uniform() gave ${u}`);
      s += u;
      s2 += u * u;
    }
    const mean = s / N;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(s2 / N - mean * mean - 1 / 12)).toBeLessThan(0.002);
  });

  it('uniform(low, high) lies in [low, high)', () => {
    fc.assert(
      fc.property(
        fc.nat(),
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        (seed, low, width) => {
          const rng = new Rng(seed);
          const high = low + width;
          for (let i = 0; i < 20; i++) {
            const u = rng.uniform(low, high);
            expect(u >= low && (u < high || (low === high && u === low))).toBe(true);
          }
        },
      ),
      FC,
    );
  });

  it('stays below high even for the largest draw, in float32 too', () => {
    // s1 chosen so that the next two outputs are 2^32 - 1: the draw is 1 - 2^-53.
    const s1 = s1ForOutput(0xffffffff);
    const top = () => Rng.fromState(stateOf([5, s1, 5, 9]));
    expect(referenceOutputs([5n, BigInt(s1), 5n, 9n], 2)).toEqual([0xffffffff, 0xffffffff]);
    expect(top().uniform()).toBe(1 - 2 ** -53);
    // 1 + 2·(1 - 2^-53) rounds to 3 itself; the draw must stay below high.
    expect(top().uniform(1, 3)).toBeLessThan(3);
    expect(top().uniform(10, 13)).toBeLessThan(13);
    const f = top().fillUniform(new Float32Array(1));
    expect(f[0]).toBeLessThan(1);
    expect(top().fillUniform(new Float64Array(1))[0]).toBe(1 - 2 ** -53);
  });

  it('normal draws have mean 0, variance 1 and 68.3% within one standard deviation', () => {
    const rng = new Rng(2);
    let s = 0;
    let s2 = 0;
    let within = 0;
    for (let i = 0; i < N; i++) {
      const z = rng.normal();
      s += z;
      s2 += z * z;
      if (Math.abs(z) < 1) within++;
    }
    const mean = s / N;
    // Standard errors: 0.0032 for the mean, 0.0045 for the variance, 0.0015 for the fraction.
    expect(Math.abs(mean)).toBeLessThan(0.015);
    expect(Math.abs(s2 / N - mean * mean - 1)).toBeLessThan(0.02);
    expect(Math.abs(within / N - 0.6827)).toBeLessThan(0.007);
  });

  it('normal(mean, std) is mean + std · normal(), and fill* draw the same values as the calls', () => {
    const a = new Rng(5);
    const b = new Rng(5);
    for (let i = 0; i < 11; i++) expect(a.normal(3, 2)).toBe(3 + 2 * b.normal());
    const c = new Rng(6);
    const d = new Rng(6);
    const filled = c.fillNormal(new Float64Array(9), -1, 0.5);
    expect(Array.from(filled)).toEqual(Array.from({ length: 9 }, () => d.normal(-1, 0.5)));
    const u = c.fillUniform(new Float64Array(9), 2, 4);
    expect(Array.from(u)).toEqual(Array.from({ length: 9 }, () => d.uniform(2, 4)));
    const f32 = new Rng(8).fillNormal(new Float32Array(4));
    const ref = new Rng(8);
    expect(Array.from(f32)).toEqual(Array.from({ length: 4 }, () => Math.fround(ref.normal())));
  });

  it('int(n) stays in [0, n) and hits every value about equally often', () => {
    const rng = new Rng(3);
    for (const n of [1, 2, 3, 10, 1000, 2 ** 31 + 1, 2 ** 32]) {
      for (let i = 0; i < 2000; i++) {
        const x = rng.int(n);
        if (!(Number.isInteger(x) && x >= 0 && x < n)) expect.fail(`int(${n}) gave ${x}`);
      }
    }
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < N; i++) counts[rng.int(10)]! += 1;
    const chi2 = counts.reduce((s, c) => s + (c - N / 10) ** 2 / (N / 10), 0);
    expect(chi2).toBeLessThan(27.9); // chi-square, 9 degrees of freedom, p = 0.001
  });

  it('int(n) has no modulo bias', () => {
    // With x mod n on 32-bit x, n = 3·2^30 would give values below 2^30 half the time.
    const rng = new Rng(4);
    let low = 0;
    for (let i = 0; i < N; i++) if (rng.int(3 * 2 ** 30) < 2 ** 30) low++;
    expect(Math.abs(low / N - 1 / 3)).toBeLessThan(0.01);
  });

  it('permutation(n) is a permutation of 0..n-1, and every order of 3 is equally likely', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat({ max: 60 }), (seed, n) => {
        const p = new Rng(seed).permutation(n);
        expect(p).toBeInstanceOf(Int32Array);
        expect(Array.from(p).sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, i) => i));
      }),
      FC,
    );
    const rng = new Rng(9);
    const counts = new Map<string, number>();
    for (let i = 0; i < 60_000; i++) {
      const key = rng.permutation(3).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    const chi2 = [...counts.values()].reduce((s, c) => s + (c - 10_000) ** 2 / 10_000, 0);
    expect(chi2).toBeLessThan(20.5); // 5 degrees of freedom, p = 0.001
  });

  it('shuffleInPlace reorders any array in place', () => {
    const a = ['a', 'b', 'c', 'd', 'e', 'f'];
    const r = new Rng(10).shuffleInPlace(a);
    expect(r).toBe(a);
    expect([...a].sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(a.join('')).not.toBe('abcdef');
  });
});

describe('Rng errors', () => {
  it('names a bad seed', () => {
    for (const s of [-1, 1.5, Number.NaN, 2 ** 53, '1', null]) {
      expectThrows(() => new Rng(s as number), TypeError, 'seed');
    }
  });

  it('names what is wrong with a state', () => {
    const rng = new Rng(1);
    const good = rng.getState();
    const bad: [unknown, string][] = [
      [null, 'state'],
      [{ ...good, algorithm: 'mt19937' }, 'algorithm'],
      [{ ...good, s: [1, 2, 3] }, 'state.s'],
      [{ ...good, s: [1, 2, 3, 2 ** 32] }, 'state.s[3]'],
      [{ ...good, s: [1, -2, 3, 4] }, 'state.s[1]'],
      [{ ...good, s: [1.5, 2, 3, 4] }, 'state.s[0]'],
      [{ ...good, s: [0, 0, 0, 0] }, 'all zeros'],
      [{ ...good, spareNormal: Number.NaN }, 'spareNormal'],
      [{ ...good, spareNormal: '0.5' }, 'spareNormal'],
    ];
    for (const [state, part] of bad) {
      expectThrows(() => rng.setState(state as RandomState), TypeError, part);
      expectThrows(() => Rng.fromState(state as RandomState), TypeError, part);
    }
    // A refused state leaves the generator as it was.
    expect(rng.getState()).toEqual(good);
  });

  it('names a bad argument of a draw', () => {
    const rng = new Rng(1);
    for (const n of [0, 1.5, 2 ** 32 + 1, Number.NaN])
      expectThrows(() => rng.int(n), TypeError, 'n');
    expectThrows(() => rng.permutation(-1), TypeError, 'n');
    expectThrows(() => rng.uniform(Number.NaN), TypeError, 'low');
    expectThrows(() => rng.uniform(0, Infinity), TypeError, 'high');
    expectThrows(() => rng.uniform(1, 0), TypeError, 'low must be <= high');
    expectThrows(() => rng.normal(Number.NaN), TypeError, 'mean');
    expectThrows(() => rng.normal(0, -1), TypeError, 'std');
    expectThrows(() => rng.fillNormal([0] as unknown as Float64Array), TypeError, 'out');
    expectThrows(() => rng.fillUniform(new Float64Array(1), 2, 1), TypeError, 'low');
    expectThrows(() => rng.shuffleInPlace(null as unknown as number[]), TypeError, 'array');
  });
});
