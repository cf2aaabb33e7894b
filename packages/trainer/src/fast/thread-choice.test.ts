import '../../test/build-wasm-first.js';
import { createNetwork } from '@mlisp/neurons';
import { fromArray, type Matrix, Rng } from '@mlisp/tensor';
import { describe, expect, it } from 'vitest';
import { createEpochEngine } from './engine.js';
import { ownRange } from './layout.js';
import {
  CALLER,
  type Crew,
  FastestThreads,
  fixedCrew,
  type ThreadChoice,
  team,
  WORKER,
  WorkShares,
} from './thread-choice.js';
import type { EpochEngine } from './types.js';

const TWO = team(2);
/** A crew's name in the tests: 1 (the caller), 2 (both threads) or 'w' (the worker alone). */
const nameOf = (crew: Crew): 1 | 2 | 'w' => (crew.onWorker ? 'w' : (crew.threads as 1 | 2));

/** Runs `calls` calls of `choice`, each taking seconds per row from `rate(crew, call)`; returns the crews it picked. */
function drive(
  choice: ThreadChoice,
  calls: number,
  rate: (crew: 1 | 2 | 'w', call: number) => number,
): (1 | 2 | 'w')[] {
  const picked: (1 | 2 | 'w')[] = [];
  for (let c = 0; c < calls; c++) {
    const crew = choice.next();
    picked.push(nameOf(crew));
    choice.record(crew, rate(nameOf(crew), c) * 250, 250);
  }
  return picked;
}

describe('FastestThreads', () => {
  it('gives every crew a call in turn for 5 rounds, then keeps the fastest and probes each other crew at its own doubling gap', () => {
    const choice = new FastestThreads([TWO, CALLER, WORKER]);
    // The caller alone is far behind (5 > 1.5 x 3): its gap grows 4x per lost probe; the worker's (4) 2x.
    const rate = (c: 1 | 2 | 'w') => (c === 2 ? 3 : c === 1 ? 5 : 4);
    const picked = drive(choice, 15 + 16 + 4 + 32 + 2 + 32 + 2 + 32 + 2 + 128 + 2 + 96 + 2, rate);
    expect(picked.slice(0, 15)).toEqual([2, 1, 'w', 2, 1, 'w', 2, 1, 'w', 2, 1, 'w', 2, 1, 'w']);
    expect(nameOf(choice.favoured())).toBe(2);
    const two = (n: number) => Array(n).fill(2);
    expect(picked.slice(15)).toEqual([
      // 16 calls after the choice both others are probed (two calls each) ...
      ...two(16),
      1,
      1,
      'w',
      'w',
      // ... then the worker every 32, 64, 128 calls, the caller every 64, then 256.
      ...two(32),
      'w',
      'w',
      ...two(32),
      1,
      1,
      ...two(32),
      'w',
      'w',
      ...two(128),
      'w',
      'w',
      ...two(96),
      1,
      1,
    ]);
    // From then on each is probed (two calls) once every 256 calls of the favoured crew: 4 times in 4 x 260.
    const later = drive(choice, 4 * 260, rate);
    expect(later.filter((c) => c === 1).length).toBe(8);
    expect(later.filter((c) => c === 'w').length).toBe(8);
  });

  it('follows the machine: when the favoured crew slows down, probes at once and switches', () => {
    const choice = new FastestThreads([TWO, CALLER]);
    // Two threads are faster until call 40 (gaps of 16 by then), then the other core gets busy: 3x as long.
    const rate = (c: 1 | 2 | 'w', call: number) => (c === 1 ? 5 : call < 40 ? 3 : 9);
    const picked = drive(choice, 80, rate);
    expect(picked.slice(0, 10)).toEqual([2, 1, 2, 1, 2, 1, 2, 1, 2, 1]);
    expect(picked.slice(10, 18)).toEqual(Array(8).fill(2));
    // Two slow calls move the median: a probe of one thread follows at once and wins.
    expect(picked.slice(40, 44)).toEqual([2, 2, 1, 1]);
    expect(picked.slice(44, 52)).toEqual(Array(8).fill(1));
    expect(nameOf(choice.favoured())).toBe(1);
    // From then on two threads only in probes (pairs).
    expect(picked.slice(44).filter((c) => c === 2).length).toBeLessThanOrEqual(6);
  });

  it("moves the lone thread's work to the worker when the caller's core is the slower one", () => {
    const choice = new FastestThreads([TWO, CALLER, WORKER]);
    // The caller's core is slow (8), the worker's fast (5); both together 7.
    const picked = drive(choice, 40, (c) => (c === 1 ? 8 : c === 'w' ? 5 : 7));
    expect(nameOf(choice.favoured())).toBe('w');
    expect(picked.slice(15, 23)).toEqual(Array(8).fill('w'));
  });

  it('ignores the first call of a probe (the other threads waking up)', () => {
    const choice = new FastestThreads([TWO, CALLER]);
    // One thread is faster; the first call of each probe on two threads is very slow, the second fast.
    let probeCall = 0;
    const rate = (c: 1 | 2 | 'w', call: number) => {
      if (c === 1) return 4;
      if (call < 10) return 6;
      probeCall++;
      return probeCall % 2 === 1 ? 100 : 3;
    };
    const picked = drive(choice, 10 + 16 + 2 + 3, rate);
    expect(picked.slice(10, 26)).toEqual(Array(16).fill(1));
    expect(picked.slice(26, 28)).toEqual([2, 2]);
    // The probe's second call (3 < 4) wins: two threads from now on.
    expect(picked.slice(28)).toEqual([2, 2, 2]);
    expect(nameOf(choice.favoured())).toBe(2);
  });

  it('needs two crews to choose from; fixedCrew always gives its crew', () => {
    expect(() => new FastestThreads([CALLER])).toThrow(/at least 2 crews to choose from, got 1/);
    const fixed = fixedCrew(team(3));
    expect(drive(fixed, 3, () => 1).map(() => fixed.next().threads)).toEqual([3, 3, 3]);
    expect(fixed.favoured()).toBe(fixed.next());
    expect(team(1)).toBe(CALLER);
  });
});

describe('WorkShares', () => {
  it('moves work to the thread that waits, toward shares proportional to the speeds', () => {
    const shares = new WorkShares(2);
    expect(shares.shares).toEqual([0.5, 0.5]);
    // Thread 1 is 3x slower: on equal shares thread 0 works 1 ms and waits 2 of a 3 ms call.
    for (let i = 0; i < 12; i++) {
      const [s0, s1] = shares.shares as [number, number];
      const busy0 = s0 * 2;
      const busy1 = s1 * 6;
      const call = Math.max(busy0, busy1);
      shares.record(call, [call - busy0, call - busy1]);
    }
    const [s0, s1] = shares.shares as [number, number];
    expect(s0).toBeCloseTo(0.75, 3);
    expect(s1).toBeCloseTo(0.25, 3);
    expect(s0 + s1).toBeCloseTo(1, 12);
  });

  it('gives work back to a thread whose share rounded to no neurons', () => {
    const shares = new WorkShares(2);
    // Thread 0 is 40x slower for a while (exact shares): its share falls to about 1/41.
    for (let i = 0; i < 12; i++) {
      const [s0, s1] = shares.shares as [number, number];
      const ms = Math.max(s0 * 40, s1);
      shares.record(ms, [ms - s0 * 40, ms - s1]);
    }
    expect(ownRange(100, shares.shares, 0)).toEqual([0, 0]);
    // Equal speeds again, on a 100-neuron layer: thread 0 did no neurons and waited the whole call.
    const call = () => {
      const [start, end] = ownRange(100, shares.shares, 0);
      const busy0 = (end - start) / 100;
      const busy1 = 1 - busy0;
      const ms = Math.max(busy0, busy1);
      shares.record(ms, [ms - busy0, ms - busy1], 100);
    };
    call();
    expect(ownRange(100, shares.shares, 0)[1]).toBeGreaterThan(0);
    for (let i = 0; i < 12; i++) call();
    expect(shares.shares[0]).toBeGreaterThan(0.4);
  });

  it('keeps equal shares when no thread waits, and ignores a call without a time', () => {
    const shares = new WorkShares(3);
    shares.record(2, [0, 0, 0]);
    expect(shares.shares.map((s) => s * 3)).toEqual([1, 1, 1].map((x) => expect.closeTo(x, 12)));
    shares.record(0, [0, 1, 0]);
    shares.record(Number.NaN, [0, 1, 0]);
    shares.record(2, [0]);
    expect(shares.shares.map((s) => s * 3)).toEqual([1, 1, 1].map((x) => expect.closeTo(x, 12)));
  });

  it('ownRange splits a layer by shares into ranges that start at multiples of 8 and cover it', () => {
    const check = (n: number, shares: number[]) => {
      const ranges = shares.map((_, t) => ownRange(n, shares, t));
      expect(ranges[0]?.[0]).toBe(0);
      expect(ranges.at(-1)?.[1]).toBe(n);
      ranges.forEach(([start, end], t) => {
        expect(start % 8 === 0 || start === n, `${n} ${shares} ${t}`).toBe(true);
        expect(end).toBeGreaterThanOrEqual(start);
        if (t > 0) expect(start).toBe(ranges[t - 1]?.[1]);
      });
      return ranges;
    };
    expect(check(100, [0.5, 0.5])).toEqual([
      [0, 48],
      [48, 100],
    ]);
    expect(check(100, [0.75, 0.25])).toEqual([
      [0, 72],
      [72, 100],
    ]);
    expect(check(100, [1, 0])).toEqual([
      [0, 100],
      [100, 100],
    ]);
    expect(check(10, [0.3, 0.3, 0.4])).toEqual([
      [0, 0],
      [0, 8],
      [8, 10],
    ]);
    check(784, [0.2, 0.5, 0.3]);
  });
});

/** The engine's crew choice and shares (private in the engine), for scripting them. */
interface EngineInternals {
  choice: ThreadChoice;
  shares: { shares: readonly number[]; record(ms: number, waits: ArrayLike<number>): void };
}

function flat(engine: EpochEngine): number[] {
  return engine.layers().flatMap((layer) => [...layer.weights.data, ...layer.biases.data]);
}

describe('an engine whose crew and split change between calls', () => {
  it('trains and evaluates bit for bit as one thread, in float32 and float64', async () => {
    const sizes = [37, 40, 19, 10];
    const rng = new Rng(3);
    const rows = 60;
    const X: Matrix = fromArray(
      Array.from({ length: rows }, () =>
        Array.from({ length: 37 }, () => (rng.uniform() < 0.4 ? 0 : rng.uniform())),
      ),
    );
    const Y: Matrix = fromArray(
      Array.from({ length: rows }, (_, i) =>
        Array.from({ length: 10 }, (_, j) => (j === i % 10 ? 1 : 0)),
      ),
    );
    for (const dtype of ['float32', 'float64'] as const) {
      const options = {
        cost: 'cross-entropy',
        eta: 0.5,
        lambda: 2,
        momentum: 0.5,
        batchSize: 7,
        dtype,
      } as const;
      const net = () => createNetwork(sizes, { seed: 5, activations: ['tanh', 'relu', 'sigmoid'] });
      const one = await createEpochEngine(net(), { ...options, threads: 1 });
      const moving = await createEpochEngine(net(), { ...options, threads: 2 });
      expect(moving.threads).toBe(2);
      // Scripted: both threads, the caller alone, worker 1 alone, ... and splits through the extremes.
      const internals = (moving as unknown as { crews: EngineInternals }).crews;
      const crews = [TWO, TWO, CALLER, WORKER, TWO, WORKER, CALLER, TWO];
      const splits = [
        [0.5, 0.5],
        [0.1, 0.9],
        [1, 0],
        [0, 1],
        [0.8, 0.2],
      ];
      let call = 0;
      let split = 0;
      const used: string[] = [];
      internals.choice = {
        next: () => {
          const crew = crews[call++ % crews.length] as Crew;
          used.push(crew.threads === 1 ? String(nameOf(crew)) : internals.shares.shares.join('/'));
          return crew;
        },
        favoured: () => crews[call % crews.length] as Crew,
        record: () => {},
      };
      internals.shares = {
        shares: splits[0] as number[],
        record() {
          split = (split + 1) % splits.length;
          this.shares = splits[split] as number[];
        },
      };
      for (let e = 0; e < 3; e++) {
        const order = rng.permutation(rows);
        // Calls of 2 mini-batches (the training loop's are 25).
        for (let s = 0; s < rows; s += 14) {
          const part = order.subarray(s, Math.min(rows, s + 14));
          one.runEpoch(X, Y, part);
          moving.runEpoch(X, Y, part);
        }
        // Evaluation by the crew favoured now (each of the three over the epochs).
        expect(moving.evaluate(X, Y).costSum).toBe(one.evaluate(X, Y).costSum);
      }
      expect(new Set(used)).toEqual(
        new Set(['1', 'w', '0.5/0.5', '0.1/0.9', '1/0', '0/1', '0.8/0.2']),
      );
      expect(flat(moving)).toEqual(flat(one));
      one.close();
      moving.close();
    }
  });
});
