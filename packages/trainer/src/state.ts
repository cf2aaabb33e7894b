import type { Network } from '@mlisp/neurons';
import { type FloatArray, Rng } from '@mlisp/tensor';
import type { EpochEvent, TrainerState } from './types.js';

/** The mutable counters of a run, as the trainer keeps them between epochs. */
export interface RunCounters {
  /** Epochs completed. */
  epoch: number;
  /** Mini-batches done in the current epoch. */
  batch: number;
  /** The learning rate for the next mini-batch. */
  eta: number;
  /** Best monitored value, or null. */
  best: number | null;
  /** Epochs since the monitored value improved. */
  epochsSinceBest: number;
  /** Epochs since it improved or η was reduced. */
  epochsSinceChange: number;
  /** Reductions of η so far. */
  halvings: number;
  /** The current epoch's dropout key, or null without dropout. */
  dropoutKey: number | null;
}

/**
 * A JSON-serialisable snapshot of a run (everything but the weights).
 * @param counters - epoch, batch, η and schedule counters
 * @param order - the current epoch's sample order
 * @param rng - the generator of the shuffles
 * @param velocities - momentum velocities per layer (weights, biases), or null
 * @param history - the epoch events so far
 */
export function exportState(
  counters: RunCounters,
  order: Int32Array,
  rng: Rng,
  velocities: { weights: FloatArray[]; biases: FloatArray[] } | null,
  history: readonly EpochEvent[],
): TrainerState {
  return {
    format: 'mlisp-trainer-state',
    version: 1,
    epoch: counters.epoch,
    batch: counters.batch,
    order: counters.batch > 0 ? Array.from(order) : null,
    eta: counters.eta,
    rng: rng.getState(),
    ...(counters.dropoutKey === null ? {} : { dropoutKey: counters.dropoutKey }),
    velocities:
      velocities === null
        ? null
        : {
            weights: velocities.weights.map((v) => Array.from(v)),
            biases: velocities.biases.map((v) => Array.from(v)),
          },
    schedule: {
      best: counters.best,
      epochsSinceBest: counters.epochsSinceBest,
      epochsSinceChange: counters.epochsSinceChange,
      halvings: counters.halvings,
    },
    history: history.slice(),
  };
}

function fail(what: string): never {
  throw new TypeError(`resumeFrom: ${what}`);
}

function count(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    fail(`${name} must be an integer >= 0, got ${String(value)}`);
  }
  return value;
}

/**
 * Checks a saved {@link TrainerState} against the network and training data; returns its counters.
 * @param state - the saved state
 * @param network - the network being trained
 * @param n - training set size
 * @param batches - mini-batches per epoch
 * @throws TypeError naming the first field that is missing, malformed or does not fit
 */
export function checkState(
  state: TrainerState,
  network: Network,
  n: number,
  batches: number,
): RunCounters {
  if (state === null || typeof state !== 'object') fail('must be a trainer state object');
  if (state.format !== 'mlisp-trainer-state')
    fail(`format must be 'mlisp-trainer-state', got ${String(state.format)}`);
  if (state.version !== 1) fail(`version must be 1, got ${String(state.version)}`);
  const epoch = count('epoch', state.epoch);
  const batch = count('batch', state.batch);
  if (batch >= batches) fail(`batch is ${batch} but an epoch has only ${batches} mini-batches`);
  if (batch > 0) {
    const order = state.order;
    if (!Array.isArray(order) || order.length !== n) {
      fail(`order must list the ${n} training samples when batch > 0`);
    }
    const seen = new Uint8Array(n);
    order.forEach((v, i) => {
      if (!Number.isInteger(v) || v < 0 || v >= n || seen[v] === 1) {
        fail(`order[${i}] = ${String(v)} is not a new sample index in [0, ${n})`);
      }
      seen[v] = 1;
    });
  }
  if (typeof state.eta !== 'number' || !Number.isFinite(state.eta) || state.eta <= 0) {
    fail(`eta must be a positive number, got ${String(state.eta)}`);
  }
  Rng.fromState(state.rng);
  if (state.velocities !== null) {
    const v = state.velocities;
    if (
      v === undefined ||
      typeof v !== 'object' ||
      !Array.isArray(v.weights) ||
      !Array.isArray(v.biases)
    ) {
      fail('velocities must be null or { weights, biases }');
    }
    network.layers.forEach((layer, l) => {
      if (!Array.isArray(v.weights[l]) || v.weights[l]?.length !== layer.weights.data.length) {
        fail(`velocities.weights[${l}] must have ${layer.weights.data.length} values`);
      }
      if (!Array.isArray(v.biases[l]) || v.biases[l]?.length !== layer.biases.data.length) {
        fail(`velocities.biases[${l}] must have ${layer.biases.data.length} values`);
      }
    });
    if (v.weights.length !== network.layers.length || v.biases.length !== network.layers.length) {
      fail(`velocities must have one entry per layer (${network.layers.length})`);
    }
  }
  const s = state.schedule;
  if (s === null || typeof s !== 'object') fail('schedule must be an object');
  if (s.best !== null && (typeof s.best !== 'number' || !Number.isFinite(s.best))) {
    fail(`schedule.best must be null or a finite number, got ${String(s.best)}`);
  }
  if (!Array.isArray(state.history) || state.history.length !== epoch) {
    fail(`history must have one event per completed epoch (${epoch})`);
  }
  const key = state.dropoutKey;
  if (key !== undefined && (!Number.isInteger(key) || key < 0 || key >= 2 ** 32)) {
    fail(`dropoutKey must be an integer in [0, 2^32), got ${String(key)}`);
  }
  return {
    dropoutKey: key ?? null,
    epoch,
    batch,
    eta: state.eta,
    best: s.best,
    epochsSinceBest: count('schedule.epochsSinceBest', s.epochsSinceBest),
    epochsSinceChange: count('schedule.epochsSinceChange', s.epochsSinceChange),
    halvings: count('schedule.halvings', s.halvings),
  };
}
