import '../test/build-wasm-first.js';
import { cloneNetwork, createNetwork, type Network } from '@mlisp/neurons';
import { describe, expect, it } from 'vitest';
import { classification, withoutSeconds } from '../test/data.js';
import { DivergenceError } from './errors.js';
import { createEpochEngine } from './fast/engine.js';
import type { PendingEvaluation } from './fast/types.js';
import { trainInPlace, trainInPlaceAsync } from './sgd.js';
import type { TrainEngine } from './train-engine.js';
import { prepareRun, runSteps, trainSteps } from './train-steps.js';
import type { BatchEvent, EpochEvent, TrainerState, TrainOptions } from './types.js';

// The figures of an epoch's evaluation set may come from a worker thread that
// evaluates a copy of the parameters while the next epoch trains (when only
// those figures are asked for, and no schedule or early stopping waits for
// them): the same figures, events and checkpoints as evaluating in turn.

const parameters = (net: Network) =>
  net.layers.flatMap((l) => [...l.weights.data, ...l.biases.data]);
const train = classification(1, 400, 16);
const test = classification(2, 3000, 16);
const fresh = () => createNetwork([16, 48, 3], { init: 'scaled', seed: 5, dtype: 'float32' });
const labels = (t: { rows: number; cols: number; data: ArrayLike<number> }) =>
  Int32Array.from({ length: t.rows }, (_, i) => {
    const row = Array.from(t.data).slice(i * t.cols, (i + 1) * t.cols);
    return row.indexOf(Math.max(...row));
  });

describe('EpochEngine.evaluateAside', () => {
  it("gives evaluate's figures of the parameters it started with, while runEpoch trains on", async () => {
    const engine = await createEpochEngine(fresh(), {
      cost: 'cross-entropy',
      eta: 0.5,
      batchSize: 10,
      threads: 2,
    });
    try {
      expect(engine.threads).toBe(2);
      const order = Array.from({ length: 400 }, (_, i) => i);
      engine.runEpoch(train.inputs, train.targets, order);
      const before = engine.evaluate(test.inputs, test.targets);
      const pending = engine.evaluateAside(test.inputs, test.targets);
      for (let e = 0; e < 3; e++) engine.runEpoch(train.inputs, train.targets, order);
      expect(pending.result()).toEqual(before);
      expect(pending.ready).toBe(true);
      // Training went on meanwhile: the parameters now score differently.
      const after = engine.evaluate(test.inputs, test.targets);
      expect(after).not.toEqual(before);
      // One at a time: a second one waits for the first, and scores what is there then.
      const first = engine.evaluateAside(test.inputs, test.targets);
      engine.runEpoch(train.inputs, train.targets, order);
      const second = engine.evaluateAside(test.inputs, test.targets, labels(test.targets));
      expect(first.result()).toEqual(after);
      expect(second.result()).toEqual(engine.evaluate(test.inputs, test.targets));
    } finally {
      engine.close();
    }
  });

  it('without workers evaluates before returning', async () => {
    const engine = await createEpochEngine(fresh(), {
      cost: 'cross-entropy',
      eta: 0.5,
      batchSize: 10,
      threads: 1,
    });
    const pending = engine.evaluateAside(test.inputs, test.targets);
    expect(pending.ready).toBe(true);
    expect(pending.result()).toEqual(engine.evaluate(test.inputs, test.targets));
  });
});

/** Options under which the evaluation set's figures are computed aside. */
const aside: TrainOptions = {
  cost: 'cross-entropy',
  eta: 0.5,
  lambda: 0.2,
  momentum: 0.5,
  epochs: 4,
  batchSize: 4,
  evaluationData: test,
  monitor: { evaluationCost: true, evaluationAccuracy: true },
  learningSpeedSamples: 0,
  seed: 7,
};

/** What a run's callbacks saw: events in order, and the network and checkpoint at each epoch event. */
function recorder(network: () => Network) {
  const seen = {
    order: [] as string[],
    events: [] as Omit<EpochEvent, 'seconds'>[],
    networks: [] as number[][],
    states: [] as TrainerState[],
  };
  const callbacks = {
    onBatch: (b: BatchEvent) => {
      if (b.batch === b.batches - 1) seen.order.push(`last batch of ${b.epoch}`);
    },
    onEpoch: ({ seconds: _s, ...event }: EpochEvent, checkpoint: () => TrainerState) => {
      seen.order.push(`epoch ${event.epoch}`);
      seen.events.push(event);
      seen.networks.push(parameters(network()));
      const state = checkpoint();
      seen.states.push({ ...state, history: withoutSeconds(state.history) } as TrainerState);
    },
  };
  return { seen, callbacks };
}

describe('trainInPlaceAsync evaluating aside', () => {
  it("sends trainInPlace's epoch events, with the epoch's network and checkpoint, in order", async () => {
    const syncNet = fresh();
    const sync = recorder(() => syncNet);
    const expected = trainInPlace(syncNet, train, { ...aside, ...sync.callbacks });
    const net = fresh();
    const two = recorder(() => net);
    const result = await trainInPlaceAsync(net, train, { ...aside, threads: 2, ...two.callbacks });
    expect(result.threads).toBe(2);
    expect(two.seen.events).toEqual(sync.seen.events);
    expect(two.seen.networks).toEqual(sync.seen.networks);
    expect(two.seen.states).toEqual(sync.seen.states);
    expect(parameters(net)).toEqual(parameters(syncNet));
    expect(withoutSeconds(result.history)).toEqual(withoutSeconds(expected.history));
    // Each epoch's event comes after its last mini-batch (and, the events being equal, in order).
    const position = (what: string) => two.seen.order.indexOf(what);
    for (let e = 1; e <= 4; e++) {
      expect(position(`epoch ${e}`)).toBeGreaterThan(position(`last batch of ${e}`));
    }
  });

  it('a checkpoint taken at an epoch event resumes bit-identically', async () => {
    const whole = fresh();
    trainInPlace(whole, train, aside);
    const net = fresh();
    let saved: { state: TrainerState; network: Network } | null = null;
    await trainInPlaceAsync(net, train, {
      ...aside,
      threads: 2,
      onEpoch: (e, checkpoint) => {
        if (e.epoch === 2) saved = { state: checkpoint(), network: cloneNetwork(net) };
      },
    });
    const { state, network } = saved as unknown as { state: TrainerState; network: Network };
    trainInPlace(network, train, { ...aside, resumeFrom: JSON.parse(JSON.stringify(state)) });
    expect(parameters(network)).toEqual(parameters(whole));
  });
});

describe('the training loop with an evaluation pending', () => {
  it("emits the pending epoch's event, with its network, before a divergence in the next is thrown", () => {
    const network = createNetwork([4, 5, 3], { init: 'scaled', seed: 1 });
    const run = prepareRun(network, classification(3, 8), {
      ...aside,
      evaluationData: classification(4, 6),
      batchSize: 2,
      epochs: 3,
    });
    const atEpochEnd: number[][] = [];
    let waiting: { ready: boolean } = { ready: false };
    // A stand-in engine: its evaluations finish only when waited for; epoch 2's first chunk
    // diverges, after a retrace that overwrote the network (as WasmTrainEngine's does).
    const engine: TrainEngine = {
      path: 'wasm-simd',
      threads: 2,
      chunk: 25,
      train(first) {
        for (const l of network.layers) l.weights.data.fill(run.counters.epoch + 1);
        if (run.counters.epoch === 1 && first === 0) {
          for (const l of network.layers) l.weights.data.fill(Number.NaN);
          return 0;
        }
        return -1;
      },
      evaluate: () => {},
      evaluateAside(): PendingEvaluation {
        atEpochEnd.push(parameters(network));
        const pending = { ready: false };
        waiting = pending;
        return {
          get ready() {
            return pending.ready;
          },
          result() {
            pending.ready = true;
            return { costSum: 1, correct: 2 };
          },
        };
      },
      sync() {},
      close() {},
    };
    const seen: { epoch: number; network: number[] }[] = [];
    const steps = trainSteps(run, engine, {
      ...aside,
      onEpoch: (e) => seen.push({ epoch: e.epoch, network: parameters(network) }),
    });
    expect(() => runSteps(steps)).toThrow(DivergenceError);
    expect(waiting.ready).toBe(true);
    expect(seen).toEqual([{ epoch: 1, network: atEpochEnd[0] }]);
  });
});
