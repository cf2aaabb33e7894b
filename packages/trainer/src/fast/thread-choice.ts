import { ownRange } from './layout.js';

// Who runs each engine call. The kernels give the same bits on any count of threads and with any
// thread as thread 0, so this can change between calls (chunks of mini-batches) without changing
// the training: `threads: 'auto'` measures what is fastest now, as that depends on what else the
// cores are doing (on a VM, one vCPU can be 1.5x slower than the other for minutes at a time).

/** Who runs a call: `threads` threads, or one worker alone while the caller waits. */
export interface Crew {
  /** Threads taking part (the caller is thread 0 unless `onWorker`). */
  readonly threads: number;
  /** One thread: worker 1 runs the call as thread 0 while the caller sleeps. */
  readonly onWorker: boolean;
}

/** The calling thread alone. */
export const CALLER: Crew = Object.freeze({ threads: 1, onWorker: false });
/** Worker 1 alone (for when the caller's core is the slower one). */
export const WORKER: Crew = Object.freeze({ threads: 1, onWorker: true });
/** `threads` threads, the caller one of them. */
export function team(threads: number): Crew {
  return threads === 1 ? CALLER : Object.freeze({ threads, onWorker: false });
}

/** Picks the crew of each engine call and learns from its timing. */
export interface ThreadChoice {
  /** The crew of the next call. */
  next(): Crew;
  /** The crew the choice currently favours (for calls it does not time, such as evaluation). */
  favoured(): Crew;
  /** The call by `crew` took `seconds` for `work` units (rows). */
  record(crew: Crew, seconds: number, work: number): void;
}

/** Always the same crew. */
export function fixedCrew(crew: Crew): ThreadChoice {
  return { next: () => crew, favoured: () => crew, record: () => {} };
}

/**
 * Opening rounds of one call per crew in turn, before the first choice; the last {@link WINDOW}
 * count (the first calls run while the runtime still optimises the kernels, up to 3x slower).
 */
const STARTING_ROUNDS = 5;
/** Calls between probes of another crew, at first. */
const FIRST_PROBE_GAP = 16;
/** The longest gap between probes of a crew, reached by doubling while its probes keep losing. */
const LAST_PROBE_GAP = 256;
/** A probe this much slower than the favoured crew: that crew's probe gap grows 4x (else 2x). */
const FAR_BEHIND = 1.5;
/** Recent timings kept per crew; their median, the crew's speed, ignores one preempted call. */
const WINDOW = 3;
/** The favoured crew's median this much above what it was when chosen: probe the others now. */
const SLOWDOWN = 1.4;

/**
 * Whichever of `crews` the recent calls measured fastest. The first {@link STARTING_ROUNDS} rounds
 * give every crew a call in turn; then the fastest runs, and every so often a probe runs two calls
 * by another crew: the first wakes its threads and moves the weights into their caches, the second
 * is timed. A probe beating the median of the favoured crew's last {@link WINDOW} calls switches to
 * it. After a choice every other crew is probed {@link FIRST_PROBE_GAP} calls later; a crew's gap
 * then doubles while its probes lose (4x if {@link FAR_BEHIND}), up to {@link LAST_PROBE_GAP}. When
 * the favoured crew gets {@link SLOWDOWN} times slower than when chosen (its core got busy), every
 * other crew is probed at once: cores getting busy (or free) are followed within a few calls.
 */
export class FastestThreads implements ThreadChoice {
  private readonly times: number[][];
  private calls = 0;
  private current = 0;
  /** The favoured crew's median when it was last chosen or confirmed. */
  private baseline = Number.POSITIVE_INFINITY;
  /** Per crew: calls between its probes, and calls (by the favoured crew) since its last. */
  private readonly gaps: number[];
  private readonly since: number[];
  /** The crew being probed. */
  private probed = 0;
  /** Calls of the running probe still to come (2, then 1), or 0. */
  private probe = 0;

  constructor(private readonly crews: readonly Crew[]) {
    if (crews.length < 2) {
      throw new RangeError(
        `FastestThreads needs at least 2 crews to choose from, got ${crews.length}`,
      );
    }
    this.times = crews.map(() => []);
    this.gaps = crews.map(() => FIRST_PROBE_GAP);
    this.since = crews.map(() => 0);
  }

  next(): Crew {
    const n = this.crews.length;
    if (this.calls < STARTING_ROUNDS * n) return this.crews[this.calls % n] as Crew;
    if (this.probe === 0) {
      // The other crew most overdue, if any (the next in turn among equals).
      let due = -1;
      for (let step = 1; step <= n; step++) {
        const k = (this.probed + step) % n;
        const overdue = (this.since[k] as number) - (this.gaps[k] as number);
        if (k === this.current || overdue < 0) continue;
        if (due < 0 || overdue > (this.since[due] as number) - (this.gaps[due] as number)) due = k;
      }
      if (due >= 0) {
        this.probed = due;
        this.probe = 2;
      }
    }
    return this.crews[this.probe > 0 ? this.probed : this.current] as Crew;
  }

  favoured(): Crew {
    return this.crews[this.current] as Crew;
  }

  record(crew: Crew, seconds: number, work: number): void {
    const index = this.crews.indexOf(crew);
    if (index < 0 || !(seconds >= 0) || !(work > 0)) return;
    const rate = seconds / work;
    this.calls++;
    if (this.probe === 2) {
      this.probe = 1;
      return;
    }
    const list = this.times[index] as number[];
    list.push(rate);
    if (list.length > WINDOW) list.shift();
    const starting = STARTING_ROUNDS * this.crews.length;
    if (this.calls < starting) return;
    if (this.calls === starting) {
      this.choose(this.fastest());
    } else if (this.probe === 0) {
      for (let k = 0; k < this.since.length; k++) this.since[k] = (this.since[k] as number) + 1;
      if (this.speedOf(this.current) > SLOWDOWN * this.baseline) {
        this.choose(this.current);
        this.since.fill(FIRST_PROBE_GAP);
      }
    } else {
      this.probe = 0;
      this.since[index] = 0;
      const favoured = this.speedOf(this.current);
      if (index !== this.current && rate < favoured) {
        this.choose(index);
      } else {
        const growth = rate > FAR_BEHIND * favoured ? 4 : 2;
        this.gaps[index] = Math.min(LAST_PROBE_GAP, (this.gaps[index] as number) * growth);
        this.baseline = favoured;
      }
    }
  }

  /** Favours crew `index`; every other crew is probed again {@link FIRST_PROBE_GAP} calls later. */
  private choose(index: number): void {
    this.current = index;
    this.baseline = this.speedOf(index);
    this.gaps.fill(FIRST_PROBE_GAP);
    this.since.fill(0);
  }

  /** The crew with the least median time per unit of work (the first of equals). */
  private fastest(): number {
    let best = 0;
    for (let k = 1; k < this.crews.length; k++) if (this.speedOf(k) < this.speedOf(best)) best = k;
    return best;
  }

  /** Median seconds per unit of work of the crew's recent calls. */
  private speedOf(index: number): number {
    const sorted = [...(this.times[index] ?? [])].sort((a, b) => a - b);
    return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.POSITIVE_INFINITY;
  }
}

/** Weight of the newest call when the shares move (the rest stays with the old shares). */
const SHARE_STEP = 0.5;
/**
 * Each thread's share of a layer, moved toward threads that waited at barriers: cores may differ in
 * speed (a laptop's performance and efficiency cores, a VM whose other vCPU shares its core), and
 * one split wastes the faster one's time at every barrier. After each call, thread t's speed is its
 * share over its time not waiting; new shares are proportional to speed, averaged with the old.
 */
export class WorkShares {
  private current: number[];

  constructor(threads: number) {
    this.current = Array.from({ length: threads }, () => 1 / threads);
  }

  /** The shares, summing to 1. */
  get shares(): readonly number[] {
    return this.current;
  }

  /**
   * The call took `milliseconds`, thread t waiting `waits[t]` of them at barriers; each did its
   * range of a layer of `neurons` (shares rounded to blocks of 8, see ownRange; default: exactly
   * its share). A thread whose share rounded to no neurons counts its share, so it wins work back.
   */
  record(milliseconds: number, waits: ArrayLike<number>, neurons?: number): void {
    const shares = this.current;
    if (!(milliseconds > 0) || waits.length < shares.length) return;
    const speeds = shares.map((share, t) => {
      const [start, end] = neurons === undefined ? [0, share] : ownRange(neurons, shares, t);
      const done = (end - start) / (neurons ?? 1);
      const busy = milliseconds - (waits[t] as number);
      return (done > 0 ? done : share) / Math.max(busy, milliseconds * 0.05);
    });
    const total = speeds.reduce((a, b) => a + b, 0);
    if (!(total > 0) || !Number.isFinite(total)) return;
    this.current = this.current.map(
      (share, t) => (1 - SHARE_STEP) * share + (SHARE_STEP * (speeds[t] as number)) / total,
    );
  }
}
