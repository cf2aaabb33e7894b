import { type ActivationName, cloneNetwork, createNetwork, type Network } from '@mlisp/neurons';
import { fromArray, Rng, toArray } from '@mlisp/tensor';
import { type EpochEvent, trainInPlace } from '@mlisp/trainer';
import { describe, expect, it } from 'vitest';
import { classification, withoutSeconds } from '../test/data.js';

/*
 * An independent reference after network.py's update_mini_batch / backprop
 * (and network2.py's L2 update): nested arrays, one sample at a time, plain loops.
 */
type Act = { f: (z: number) => number; d: (z: number) => number };
const acts: Record<string, Act> = {
  sigmoid: { f: (z) => 1 / (1 + Math.exp(-z)), d: (z) => Math.exp(-z) / (1 + Math.exp(-z)) ** 2 },
  tanh: { f: Math.tanh, d: (z) => 1 - Math.tanh(z) ** 2 },
};

interface RefNet {
  weights: number[][][];
  biases: number[][];
  acts: Act[];
}

function toRef(net: Network): RefNet {
  return {
    weights: net.layers.map((l) => toArray(l.weights)),
    biases: net.layers.map((l) => Array.from(l.biases.data)),
    acts: net.layers.map((l) => acts[l.activation.name] as Act),
  };
}

function refBackprop(net: RefNet, x: number[], y: number[], cost: string) {
  const as: number[][] = [x];
  const zs: number[][] = [];
  let a = x;
  net.weights.forEach((w, l) => {
    const z = w.map((row, j) =>
      row.reduce((s, wjk, k) => s + wjk * (a[k] as number), net.biases[l]![j]!),
    );
    zs.push(z);
    a = z.map((v) => net.acts[l]!.f(v));
    as.push(a);
  });
  const L = net.weights.length;
  const nablaW = net.weights.map((w) => w.map((row) => row.map(() => 0)));
  const nablaB = net.biases.map((b) => b.map(() => 0));
  let delta = as[L]!.map((aj, j) =>
    cost === 'quadratic' ? (aj - y[j]!) * net.acts[L - 1]!.d(zs[L - 1]![j]!) : aj - y[j]!,
  );
  for (let l = L - 1; l >= 0; l--) {
    nablaB[l] = [...delta];
    nablaW[l] = delta.map((dj) => as[l]!.map((ak) => dj * ak));
    if (l > 0) {
      const w = net.weights[l]!;
      delta = as[l]!.map(
        (_, k) =>
          w.reduce((s, row, j) => s + row[k]! * delta[j]!, 0) * net.acts[l - 1]!.d(zs[l - 1]![k]!),
      );
    }
  }
  return { nablaW, nablaB };
}

function refEpoch(
  net: RefNet,
  xs: number[][],
  ys: number[][],
  order: number[],
  o: { eta: number; lambda: number; m: number; cost: string; momentum: number },
  vel: { w: number[][][]; b: number[][] },
) {
  const n = xs.length;
  for (let k = 0; k < n; k += o.m) {
    const batch = order.slice(k, k + o.m);
    const nw = net.weights.map((w) => w.map((row) => row.map(() => 0)));
    const nb = net.biases.map((b) => b.map(() => 0));
    for (const i of batch) {
      const d = refBackprop(net, xs[i]!, ys[i]!, o.cost);
      for (let l = 0; l < nw.length; l++) {
        for (let j = 0; j < nw[l]!.length; j++) {
          for (let c = 0; c < nw[l]![j]!.length; c++) nw[l]![j]![c]! += d.nablaW[l]![j]![c]!;
          nb[l]![j]! += d.nablaB[l]![j]!;
        }
      }
    }
    const len = batch.length;
    net.weights = net.weights.map((w, l) =>
      w.map((row, j) =>
        row.map((wjk, c) => {
          if (o.momentum === 0)
            return (1 - o.eta * (o.lambda / n)) * wjk - (o.eta / len) * nw[l]![j]![c]!;
          const v =
            o.momentum * vel.w[l]![j]![c]! -
            o.eta * (o.lambda / n) * wjk -
            (o.eta / len) * nw[l]![j]![c]!;
          vel.w[l]![j]![c] = v;
          return wjk + v;
        }),
      ),
    );
    net.biases = net.biases.map((b, l) =>
      b.map((bj, j) => {
        if (o.momentum === 0) return bj - (o.eta / len) * nb[l]![j]!;
        const v = o.momentum * vel.b[l]![j]! - (o.eta / len) * nb[l]![j]!;
        vel.b[l]![j] = v;
        return bj + v;
      }),
    );
  }
}

function randomData(rng: Rng, n: number, nIn: number, nOut: number) {
  const xs = Array.from({ length: n }, () => Array.from({ length: nIn }, () => rng.normal()));
  const ys = Array.from({ length: n }, () => Array.from({ length: nOut }, () => rng.uniform()));
  return { xs, ys, data: { inputs: fromArray(xs), targets: fromArray(ys) } };
}

function expectSameParameters(net: Network, ref: RefNet, tolerance: number) {
  let worst = 0;
  net.layers.forEach((layer, l) => {
    toArray(layer.weights).forEach((row, j) => {
      row.forEach((w, k) => {
        worst = Math.max(worst, Math.abs(w - ref.weights[l]![j]![k]!));
      });
    });
    Array.from(layer.biases.data).forEach((b, j) => {
      worst = Math.max(worst, Math.abs(b - ref.biases[l]![j]!));
    });
  });
  expect(worst).toBeLessThan(tolerance);
}

const noMonitor = { trainingCost: false, trainingAccuracy: false };

describe('trainInPlace against a per-sample network.py reference', () => {
  const cases: [
    string,
    number[],
    ActivationName,
    string,
    number,
    number,
    number,
    number,
    number,
    number,
  ][] = [
    // name, sizes, hidden activation, cost, n, batch, eta, lambda, momentum, epochs
    ['quadratic, L2, last batch of 3', [4, 5, 3, 2], 'sigmoid', 'quadratic', 23, 5, 3, 0.1, 0, 1],
    [
      'cross-entropy, L2, last batch of 2',
      [4, 6, 2],
      'sigmoid',
      'cross-entropy',
      22,
      4,
      0.5,
      0.3,
      0,
      1,
    ],
    ['tanh hidden, momentum, 2 epochs', [3, 4, 4, 2], 'tanh', 'quadratic', 17, 6, 0.8, 0.2, 0.6, 2],
  ];
  const engines = ['matrix', 'auto'] as const;
  // Both the matrix loop and the engine ('auto') train every case.
  const runs: [(typeof engines)[number], ...(typeof cases)[number]][] = cases.flatMap((c) =>
    engines.map((engine): [(typeof engines)[number], ...(typeof cases)[number]] => [engine, ...c]),
  );
  it.each(runs)(
    'engine %s, %s: every weight and bias agrees within 1e-9',
    (engine, _name, sizes, hidden, cost, n, m, eta, lambda, momentum, epochs) => {
      const rng = new Rng(n);
      const net = createNetwork(sizes, {
        activation: hidden,
        outputActivation: 'sigmoid',
        init: 'normal',
        seed: n,
      });
      const ref = toRef(net);
      const { xs, ys, data } = randomData(rng, n, sizes[0]!, sizes[sizes.length - 1]!);
      const vel = {
        w: ref.weights.map((w) => w.map((r) => r.map(() => 0))),
        b: ref.biases.map((b) => b.map(() => 0)),
      };
      const order = Array.from({ length: n }, (_, i) => i);
      for (let e = 0; e < epochs; e++)
        refEpoch(ref, xs, ys, order, { eta, lambda, m, cost, momentum }, vel);
      const result = trainInPlace(net, data, {
        cost: cost as 'quadratic',
        eta,
        epochs,
        batchSize: m,
        lambda,
        momentum,
        shuffle: false,
        monitor: noMonitor,
        learningSpeedSamples: 0,
        engine,
      });
      expect(result.stopReason).toBe('completed');
      expect(result.path === 'matrix').toBe(engine === 'matrix');
      expect(result.history).toHaveLength(epochs);
      expectSameParameters(net, ref, 1e-9);
    },
  );

  it('shuffles each epoch as documented: identity order, then Rng(seed).shuffleInPlace', () => {
    const rng = new Rng(1);
    const net = createNetwork([3, 4, 2], { seed: 5 });
    const ref = toRef(net);
    const { xs, ys, data } = randomData(rng, 13, 3, 2);
    const shuffler = new Rng(77);
    const vel = { w: [], b: [] };
    for (let e = 0; e < 3; e++) {
      const order = shuffler.shuffleInPlace(Array.from({ length: 13 }, (_, i) => i));
      refEpoch(
        ref,
        xs,
        ys,
        order,
        { eta: 1, lambda: 0, m: 4, cost: 'cross-entropy', momentum: 0 },
        vel,
      );
    }
    trainInPlace(net, data, {
      cost: 'cross-entropy',
      eta: 1,
      epochs: 3,
      batchSize: 4,
      seed: 77,
      monitor: noMonitor,
    });
    expectSameParameters(net, ref, 1e-9);
  });
});

function xorData() {
  return {
    inputs: fromArray([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]),
    targets: fromArray([[0], [1], [1], [0]]),
  };
}

const parameters = (net: Network) =>
  net.layers.flatMap((l) => [...l.weights.data, ...l.biases.data]);

describe('determinism and resuming', () => {
  const train = classification(1, 120);
  const evaluation = classification(2, 50);
  const base = {
    cost: 'cross-entropy' as const,
    eta: 0.7,
    epochs: 5,
    batchSize: 7,
    lambda: 0.4,
    momentum: 0.5,
    evaluationData: evaluation,
    schedule: { patience: 1, maxHalvings: 10 },
    learningSpeedSamples: 30,
    seed: 99,
  };
  const fresh = () => createNetwork([4, 6, 5, 3], { init: 'scaled', seed: 3 });

  it('the same seed twice gives bit-identical weights and history', () => {
    const a = fresh();
    const b = fresh();
    const ra = trainInPlace(a, train, base);
    const rb = trainInPlace(b, train, base);
    expect(parameters(a)).toEqual(parameters(b));
    expect(withoutSeconds(ra.history)).toEqual(withoutSeconds(rb.history));
    expect({ ...ra.state, history: withoutSeconds(ra.state.history) }).toEqual({
      ...rb.state,
      history: withoutSeconds(rb.state.history),
    });
    const c = fresh();
    trainInPlace(c, train, { ...base, seed: 100 });
    expect(parameters(c)).not.toEqual(parameters(a));
  });

  it('stopping after epoch k and resuming (through JSON) is bit-identical to an uninterrupted run', () => {
    const whole = fresh();
    const full = trainInPlace(whole, train, base);
    for (const k of [1, 2, 4]) {
      const part = fresh();
      const first = trainInPlace(part, train, { ...base, epochs: k });
      expect(first.state.epoch).toBe(k);
      const saved = JSON.parse(JSON.stringify(first.state));
      const restored = cloneNetwork(part);
      const rest = trainInPlace(restored, train, { ...base, resumeFrom: saved });
      expect(parameters(restored)).toEqual(parameters(whole));
      expect(withoutSeconds(rest.history)).toEqual(withoutSeconds(full.history));
      expect(rest.state.eta).toBe(full.state.eta);
    }
  });

  it('aborting mid-epoch and resuming is bit-identical too', () => {
    const part = fresh();
    const controller = new AbortController();
    // The matrix loop stops after the mini-batch that saw the abort (the engine after its chunk).
    const first = trainInPlace(part, train, {
      ...base,
      engine: 'matrix',
      signal: controller.signal,
      onBatch: (e) => {
        if (e.epoch === 3 && e.batch === 6) controller.abort();
      },
    });
    expect(first.stopReason).toBe('aborted');
    expect(first.history).toHaveLength(2);
    expect(first.state.epoch).toBe(2);
    expect(first.state.batch).toBe(7);
    expect(first.state.order).toHaveLength(120);
    const rest = trainInPlace(part, train, {
      ...base,
      engine: 'matrix',
      resumeFrom: JSON.parse(JSON.stringify(first.state)),
    });
    expect(rest.stopReason).toBe('completed');
    const matrixWhole = fresh();
    const matrixFull = trainInPlace(matrixWhole, train, { ...base, engine: 'matrix' });
    expect(parameters(part)).toEqual(parameters(matrixWhole));
    expect(withoutSeconds(rest.history)).toEqual(withoutSeconds(matrixFull.history));
  });

  it('a checkpoint taken in onEpoch resumes bit-identically', () => {
    const whole = fresh();
    trainInPlace(whole, train, base);
    const part = fresh();
    let saved: unknown = null;
    let weights: Network | null = null;
    trainInPlace(part, train, {
      ...base,
      onEpoch: (e, checkpoint) => {
        if (e.epoch === 3) {
          saved = JSON.parse(JSON.stringify(checkpoint()));
          weights = cloneNetwork(part);
        }
      },
    });
    const resumed = weights as unknown as Network;
    trainInPlace(resumed, train, { ...base, resumeFrom: saved as never });
    expect(parameters(resumed)).toEqual(parameters(whole));
  });
});

describe('training behaviour', () => {
  it('learns XOR', () => {
    const net = createNetwork([2, 3, 1], { init: 'normal', seed: 1 });
    const result = trainInPlace(net, xorData(), {
      cost: 'cross-entropy',
      eta: 3,
      epochs: 1000,
      batchSize: 4,
      seed: 1,
      monitor: { trainingCost: true, trainingAccuracy: true },
    });
    expect(result.history.at(-1)?.trainingAccuracy).toBe(1);
    expect(result.history.at(-1)?.trainingCost).toBeLessThan(0.1);
  });

  it('reports epochs and mini-batches', () => {
    const data = classification(3, 50);
    const net = createNetwork([4, 5, 3], { seed: 2 });
    const batches: [number, number, number][] = [];
    const epochs: EpochEvent[] = [];
    const result = trainInPlace(net, data, {
      cost: 'quadratic',
      eta: 2,
      epochs: 2,
      batchSize: 8,
      evaluationData: classification(4, 20),
      monitor: { trainingCost: true, trainingAccuracy: true },
      learningSpeedSamples: 1000,
      engine: 'matrix',
      onBatch: (e) => {
        batches.push([e.epoch, e.batch, e.size]);
        expect(e.batches).toBe(7);
        expect(e.eta).toBe(2);
        expect(Number.isFinite(e.cost)).toBe(true);
      },
      onEpoch: (e) => {
        epochs.push(e);
      },
    });
    expect(batches).toHaveLength(14);
    expect(batches[6]).toEqual([1, 6, 2]);
    expect(epochs).toEqual(result.history);
    for (const e of epochs) {
      expect(e.seconds).toBeGreaterThanOrEqual(0);
      for (const v of [
        e.trainingCost,
        e.trainingAccuracy,
        e.evaluationCost,
        e.evaluationAccuracy,
      ]) {
        expect(typeof v).toBe('number');
      }
      expect(e.learningSpeeds?.biases).toHaveLength(2);
      expect(e.learningSpeeds?.weights).toHaveLength(2);
    }
    expect(result.state.history).toEqual(result.history);
  });

  it('halves eta when learning stalls and stops after maxHalvings', () => {
    const net = createNetwork([4, 5, 3], { seed: 2 });
    const result = trainInPlace(net, classification(5, 40), {
      cost: 'cross-entropy',
      eta: 1e-12,
      epochs: 50,
      batchSize: 10,
      evaluationData: classification(6, 20),
      schedule: { patience: 1, maxHalvings: 3 },
    });
    expect(result.stopReason).toBe('schedule');
    expect(result.history.map((e) => e.eta)).toEqual([1e-12, 1e-12, 5e-13, 2.5e-13]);
    expect(result.state.eta).toBe(1.25e-13);
    expect(result.state.schedule.halvings).toBe(3);
  });

  it('stops early when the monitored quantity stops improving', () => {
    const net = createNetwork([4, 5, 3], { seed: 2 });
    const result = trainInPlace(net, classification(5, 40), {
      cost: 'cross-entropy',
      eta: 1e-12,
      epochs: 50,
      batchSize: 10,
      improvement: 'training-accuracy',
      earlyStopping: { patience: 2 },
    });
    expect(result.stopReason).toBe('early-stopping');
    expect(result.history).toHaveLength(3);
  });

  it('stops after the current mini-batch when the signal is aborted, and not at all when aborted before', () => {
    const net = createNetwork([4, 5, 3], { seed: 2 });
    const controller = new AbortController();
    let calls = 0;
    const result = trainInPlace(net, classification(5, 40), {
      cost: 'quadratic',
      eta: 1,
      epochs: 3,
      batchSize: 10,
      engine: 'matrix', // the engine stops after a chunk of mini-batches
      signal: controller.signal,
      onBatch: () => {
        calls++;
        controller.abort();
      },
    });
    expect(calls).toBe(1);
    expect(result.stopReason).toBe('aborted');
    expect(result.state.batch).toBe(1);
    const before = parameters(net);
    const again = trainInPlace(net, classification(5, 40), {
      cost: 'quadratic',
      eta: 1,
      epochs: 3,
      batchSize: 10,
      signal: controller.signal,
    });
    expect(again.stopReason).toBe('aborted');
    expect(parameters(net)).toEqual(before);
  });

  it('trains a float32 network close to the float64 one', () => {
    const data = classification(7, 60);
    const n64 = createNetwork([4, 6, 3], { seed: 4 });
    const n32 = cloneNetwork(n64, 'float32');
    const options = { cost: 'cross-entropy' as const, eta: 0.5, epochs: 3, batchSize: 10, seed: 1 };
    trainInPlace(n64, data, options);
    trainInPlace(n32, data, options);
    expect(n32.layers[0]!.weights.data).toBeInstanceOf(Float32Array);
    const a = parameters(n64);
    parameters(n32).forEach((v, i) => {
      expect(Math.abs(v - a[i]!)).toBeLessThan(1e-4);
    });
  });

  it('trains softmax with log-likelihood and uses given labels', () => {
    const data = classification(8, 90);
    const labels = Array.from({ length: 90 }, (_, i) => toArray(data.targets)[i]!.indexOf(1));
    const net = createNetwork([4, 8, 3], { outputActivation: 'softmax', seed: 4 });
    const r = trainInPlace(
      net,
      { ...data, labels },
      {
        cost: 'log-likelihood',
        eta: 0.5,
        epochs: 20,
        batchSize: 10,
        monitor: { trainingCost: true, trainingAccuracy: true },
      },
    );
    expect(r.history.at(-1)!.trainingAccuracy!).toBeGreaterThan(0.7);
    expect(r.history.at(-1)!.trainingCost!).toBeLessThan(r.history[0]!.trainingCost!);
  });

  it('with zero epochs changes nothing', () => {
    const net = createNetwork([4, 3], { seed: 1 });
    const before = parameters(net);
    const r = trainInPlace(net, classification(1, 10), {
      cost: 'quadratic',
      eta: 1,
      epochs: 0,
      batchSize: 3,
    });
    expect(parameters(net)).toEqual(before);
    expect(r.history).toEqual([]);
  });
});
