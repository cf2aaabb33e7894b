import { LAYOUT } from './generated/wasm-kernels.js';
import type { MemoryLayout } from './layout.js';
import {
  CALLER,
  type Crew,
  fixedCrew,
  type ThreadChoice,
  team,
  WorkShares,
} from './thread-choice.js';
import type { WorkerTeam } from './threads.js';
import type { EngineEvaluation, PendingEvaluation } from './types.js';
import { callerCanWait } from './wasm-support.js';

/** The shares of a plan for one thread. */
const ALONE: readonly number[] = [1];

/**
 * Who runs an engine's calls: its worker team (once attached), the choice of crew for each call,
 * and the threads' shares of each layer, both taught by timing the calls (see thread-choice.ts).
 */
export class Crews {
  private team: WorkerTeam | undefined;
  /** Who runs each call: the caller alone until a team is attached. */
  choice: ThreadChoice = fixedCrew(CALLER);
  /** How the threads split each layer when they all take part. */
  shares: WorkShares;
  /** Why no more calls can run (a worker failed during one), once that happened. */
  private failure: string | undefined;
  /** The call worker 1 runs aside (see startAside): its scoring, and where the figures go. */
  private aside: { score: () => EngineEvaluation; done: (e: EngineEvaluation) => void } | undefined;

  /**
   * @param most - the threads the engine's plan has room for
   * @param memory - the engine's memory, where each thread adds its waits at barriers
   * @param layout - where the barrier and the waits (an f64 per thread, 64 bytes apart) are
   * @param neurons - neurons of the layer with the most weights (what the shares split)
   */
  constructor(
    private readonly most: number,
    private readonly memory: WebAssembly.Memory,
    private readonly layout: Pick<MemoryLayout, 'barrier' | 'waits'>,
    private readonly neurons: number,
  ) {
    this.shares = new WorkShares(most);
  }

  /** Threads that share the work: 1 until a team is attached. */
  get threads(): number {
    return this.team === undefined ? 1 : this.most;
  }

  /** Lets `workers` share the calls: every call on all threads, or as `choice` picks. */
  attach(workers: WorkerTeam, choice: ThreadChoice = fixedCrew(team(this.most))): void {
    this.team = workers;
    this.choice = choice;
  }

  /**
   * Starts `wake` (a forward pass) on worker 1 alone, returning at once (undefined without a team);
   * until it settles, calls run on this thread alone. `score` turns its outputs into figures.
   */
  startAside(wake: (team: WorkerTeam) => void, score: () => EngineEvaluation) {
    this.settle(true);
    if (this.team === undefined || this.failure !== undefined) return undefined;
    wake(this.team);
    let figures: EngineEvaluation | undefined;
    this.aside = { score, done: (found) => (figures = found) };
    const crews = this;
    return {
      get ready() {
        return crews.settle() && figures !== undefined;
      },
      result() {
        crews.settle(true);
        return figures as EngineEvaluation;
      },
    } satisfies PendingEvaluation;
  }

  /** Scores the aside call once worker 1 is done (`wait`: waits for it); false while it runs. */
  settle(wait = false): boolean {
    const { aside, team } = this;
    if (aside === undefined || team === undefined) return true;
    while (wait && !team.soloDone()) if (callerCanWait()) team.awaitSolo();
    if (!team.soloDone()) return false;
    this.aside = undefined;
    this.checkWorkers();
    aside.done(aside.score());
    return true;
  }

  /** The next timed call's crew: the choice's, or this thread alone while an aside call runs. */
  next(): Crew {
    return this.settle() ? this.choice.next() : CALLER;
  }

  /** An evaluation's (untimed) crew: the favoured one, or only this thread during an aside call. */
  favoured(): Crew {
    return this.settle() ? this.choice.favoured() : CALLER;
  }

  /** Stops the team, if any (true then); the caller runs every call from now on. */
  stop(): boolean {
    this.settle(true);
    if (this.team === undefined) return false;
    this.team.stop();
    this.team = undefined;
    this.choice = fixedCrew(CALLER);
    return true;
  }

  /** Each thread's share of a plan for `threads` threads. */
  sharesFor(threads: number): readonly number[] {
    return threads === 1 ? ALONE : this.shares.shares;
  }

  /**
   * Runs a call by `crew` (from next or favoured): `wake` starts the workers (`solo`: worker 1
   * alone, awaited here), `kernel` runs it here. Given `work` (rows) it is timed: the choice learns
   * the crew's speed, and on all threads the shares move toward those that waited at barriers.
   * @throws Error when a worker stopped with an error during the call (or an earlier one)
   */
  run(
    crew: Crew,
    wake: (team: WorkerTeam, solo: boolean) => void,
    kernel: () => void,
    work?: number,
  ): void {
    if (this.failure !== undefined) throw new Error(this.failure);
    // While worker 1 runs an aside call this thread runs the others alone (see next), untimed.
    const busy = !this.settle();
    const workers = this.team;
    const waits = new Float64Array(this.memory.buffer, this.layout.waits, crew.threads * 8);
    if (crew.threads > 1) waits.fill(0);
    const started = performance.now();
    if (workers !== undefined && crew.onWorker) {
      wake(workers, true);
      workers.awaitSolo();
    } else {
      if (workers !== undefined && crew.threads > 1) wake(workers, false);
      kernel();
    }
    if (workers !== undefined) this.checkWorkers();
    if (work === undefined || busy) return;
    const milliseconds = performance.now() - started;
    this.choice.record(crew, milliseconds / 1000, work);
    if (crew.threads > 1) {
      const waited = Array.from({ length: crew.threads }, (_, t) => waits[t * 8] as number);
      this.shares.record(milliseconds, waited, this.neurons);
    }
  }

  /** Throws, stopping the team, when a worker marked the barrier failed (see threads.ts). */
  private checkWorkers(): void {
    const barrier = new Int32Array(this.memory.buffer, this.layout.barrier, 4);
    const thread = Atomics.load(barrier, LAYOUT.B_FAILED);
    if (thread === 0) return;
    this.stop();
    this.failure = `worker thread ${thread} stopped with an error during an engine call: the engine's parameters are no longer valid; make a new engine`;
    throw new Error(this.failure);
  }
}
