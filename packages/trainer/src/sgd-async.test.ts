import '../test/build-wasm-first.js';
import { type Activation, createNetwork, type Network, sigmoid } from '@mlisp/neurons';
import { type DType, Rng, zeros } from '@mlisp/tensor';
import {
  autoThreads,
  type BatchEvent,
  createEpochEngine,
  DivergenceError,
  defaultWorkerFactory,
  type EpochEvent,
  type FastWorker,
  inputDensity,
  MAX_THREADS,
  type TrainAsyncOptions,
  type TrainerState,
  trainInPlace,
  trainInPlaceAsync,
  type WorkerFactory,
} from '@mlisp/trainer';
import { describe, expect, it } from 'vitest';

function classification(seed: number, n: number, dtype: DType = 'float64') {
  // one Gaussian blob per class in 5 dimensions, 3 classes, one-hot targets
  const rng = new Rng(seed);
  const inputs = zeros(n, 5, { dtype });
  const targets = zeros(n, 3, { dtype });
  for (let i = 0; i < n; i++) {
    const c = rng.int(3);
    for (let k = 0; k < 5; k++) inputs.data[i * 5 + k] = rng.normal(k === c ? 1.5 : 0, 1);
    targets.data[i * 3 + c] = 1;
  }
  return { inputs, targets };
}

const withoutSeconds = (h: readonly EpochEvent[]) => h.map(({ seconds: _s, ...rest }) => rest);
const parameters = (net: Network) =>
  net.layers.flatMap((l) => [...l.weights.data, ...l.biases.data]);
const json = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

// 203 samples in mini-batches of 2: 102 mini-batches (the last of 1), five chunks per epoch.
// The hidden layers are wide enough that two threads both own neurons of every layer.
const train = classification(1, 203);
const base = {
  cost: 'cross-entropy' as const,
  eta: 0.7,
  epochs: 4,
  batchSize: 2,
  lambda: 0.4,
  evaluationData: classification(2, 50),
  schedule: { patience: 1, maxHalvings: 10 },
  learningSpeedSamples: 30,
  seed: 99,
};
const fresh = (dtype: DType = 'float64') =>
  createNetwork([5, 40, 24, 3], { init: 'scaled', seed: 3, dtype });

/** The runtime's worker factory, counting the workers it starts and those terminated. */
async function countingFactory() {
  const inner = (await defaultWorkerFactory()) as WorkerFactory;
  const counts = { started: 0, terminated: 0 };
  const factory: WorkerFactory = () => {
    const worker = inner();
    counts.started++;
    return {
      postMessage: (message) => worker.postMessage(message),
      onMessage: (handler) => worker.onMessage(handler),
      terminate: () => {
        counts.terminated++;
        worker.terminate();
      },
    } satisfies FastWorker;
  };
  return { factory, counts };
}

describe('trainInPlaceAsync', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    it(`${dtype}: threads 1 and 2 give trainInPlace's history and weights bit for bit`, async () => {
      const oneThread = fresh(dtype);
      const sync = trainInPlace(oneThread, train, base);
      expect(sync.threads).toBe(1);
      expect(sync.history.some((e) => e.eta < base.eta)).toBe(true); // the schedule lowered η
      for (const threads of [1, 2]) {
        const net = fresh(dtype);
        const result = await trainInPlaceAsync(net, train, { ...base, threads });
        expect(result.threads).toBe(threads);
        expect(result.path).toBe(sync.path);
        expect(result.stopReason).toBe(sync.stopReason);
        expect(parameters(net)).toEqual(parameters(oneThread));
        expect(withoutSeconds(result.history)).toEqual(withoutSeconds(sync.history));
        expect(result.state).toEqual({ ...sync.state, history: result.history });
      }
    });
  }

  it('inputDensity counts the vectors where a pair of rows is not all zero', () => {
    const one = {
      rows: 2,
      cols: 8,
      data: Float64Array.from([1, 0, 0, 0, 0, 0, 0, 0, ...new Array(8).fill(0)]),
    };
    expect(inputDensity(one, 'float32')).toBe(0.5);
    expect(inputDensity(one, 'float64')).toBe(0.25);
    const both = {
      ...one,
      data: Float64Array.from([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]),
    };
    expect(inputDensity(both, 'float32')).toBe(1);
    expect(inputDensity(both, 'float64')).toBe(0.5);
    expect(inputDensity({ rows: 1, cols: 8, data: new Float64Array(8) }, 'float32')).toBe(1);
    // A 4 x 4 image whose first row is lit: 1 of 4 vectors along rows, but 2 in the tiles the engine stores.
    const image = {
      rows: 2,
      cols: 16,
      data: Float64Array.from({ length: 32 }, (_, k) => (k < 4 ? 1 : 0)),
    };
    expect(inputDensity(image, 'float32')).toBe(0.5);
  });

  it("createEpochEngine's threads 'auto' takes the inputDensity option, and refuses one outside 0..1", async () => {
    const wide = () => createNetwork([784, 300, 10], { seed: 1, dtype: 'float32' });
    const options = { cost: 'cross-entropy', eta: 0.5, batchSize: 10 } as const;
    // 10 · (784·300·d + 3,000): 2,382,000 dense, 241,680 at d = 0.09, 194,640 at d = 0.07, 30,000 at d = 0.
    for (const [density, threads] of [
      [undefined, 2],
      [0.09, 2],
      [0.07, 1],
      [0, 1],
    ] as const) {
      const engine = await createEpochEngine(wide(), {
        ...options,
        ...(density === undefined ? {} : { inputDensity: density }),
      });
      expect(engine.threads, String(density)).toBe(threads);
      engine.close();
    }
    for (const bad of [-0.1, 1.5, Number.NaN, '0.5']) {
      await expect(
        createEpochEngine(wide(), { ...options, inputDensity: bad as number }),
      ).rejects.toThrow(`inputDensity must be a number from 0 to 1, got ${String(bad)}`);
    }
  });

  it("threads 'auto' (the default) starts a second thread in Node only for networks big enough to gain from it", async () => {
    const small = await trainInPlaceAsync(fresh(), train, { ...base, epochs: 1 });
    expect(small.threads).toBe(1);
    expect(small.path).toBe('wasm-simd'); // float64: plain SIMD (see choosePath)
    const sizes = (width: number) => [60, width, 4];
    /** n rows whose first `density` of each row's 4-value blocks are 1, the rest 0. */
    const data = (n: number, density: number) => {
      const inputs = zeros(n, 60);
      for (let i = 0; i < n; i++) inputs.data.fill(1, i * 60, i * 60 + 60 * density);
      return { inputs, targets: zeros(n, 4) };
    };
    const run = async (width: number, density: number) =>
      trainInPlaceAsync(createNetwork(sizes(width), { seed: 1 }), data(20, density), {
        cost: 'quadratic',
        eta: 0.1,
        epochs: 1,
        batchSize: 10,
      });
    // 10 · (60w + 4w) multiply-adds per batch on dense inputs: 199,680 for w = 312, 200,320 for 313.
    expect(autoThreads(sizes(312), 10)).toBe(1);
    expect((await run(312, 1)).threads).toBe(1);
    expect(autoThreads(sizes(313), 10)).toBe(2);
    expect((await run(313, 1)).threads).toBe(2);
    // Inputs that are half zero blocks: the first layer counts half.
    expect(autoThreads(sizes(313), 10, 0.5)).toBe(1);
    expect((await run(313, 0.5)).threads).toBe(1);
    // MNIST-like density (0.39): [784,30,10] and [784,50,10] stay on 1, [784,64,10] (202,000) and up may use 2.
    expect(autoThreads([784, 30, 10], 10, 0.39)).toBe(1);
    expect(autoThreads([784, 50, 10], 10, 0.39)).toBe(1);
    expect(autoThreads([784, 64, 10], 10, 0.39)).toBe(2);
    expect(autoThreads([784, 100, 10], 10, 0.39)).toBe(2);
    expect(autoThreads([784, 30, 10], 32, 0.39)).toBe(2);
  });

  it('sends the same onBatch and onEpoch events as trainInPlace', async () => {
    const record = () => {
      const events: (BatchEvent | Omit<EpochEvent, 'seconds'>)[] = [];
      return {
        events,
        onBatch: (e: BatchEvent) => events.push(e),
        onEpoch: ({ seconds: _s, ...e }: EpochEvent) => events.push(e),
      };
    };
    const sync = record();
    trainInPlace(fresh(), train, { ...base, epochs: 2, ...sync });
    const two = record();
    await trainInPlaceAsync(fresh(), train, { ...base, epochs: 2, threads: 2, ...two });
    expect(two.events).toHaveLength(2 * 102 + 2);
    expect(two.events).toEqual(sync.events);
  });

  it('an abort stops at the chunk boundary, and resuming with another thread count is bit-identical', async () => {
    const whole = fresh();
    const full = trainInPlace(whole, train, base);
    for (const [before, after] of [
      [2, 1],
      [1, 2],
    ]) {
      const part = fresh();
      const controller = new AbortController();
      const first = await trainInPlaceAsync(part, train, {
        ...base,
        threads: before,
        signal: controller.signal,
        onBatch: (e) => {
          if (e.epoch === 3 && e.batch === 30) controller.abort();
        },
      });
      expect(first.stopReason).toBe('aborted');
      expect([first.state.epoch, first.state.batch]).toEqual([2, 50]);
      const rest = await trainInPlaceAsync(part, train, {
        ...base,
        threads: after,
        resumeFrom: json(first.state),
      });
      expect(rest.stopReason).toBe('completed');
      expect(parameters(part)).toEqual(parameters(whole));
      expect(withoutSeconds(rest.history)).toEqual(withoutSeconds(full.history));
    }
  });

  it('a checkpoint of a two-thread run resumes bit-identically in trainInPlace', async () => {
    const whole = fresh();
    trainInPlace(whole, train, base);
    const part = fresh();
    let saved: TrainerState | null = null;
    let weights: number[] = [];
    await trainInPlaceAsync(part, train, {
      ...base,
      threads: 2,
      onEpoch: (e, checkpoint) => {
        if (e.epoch === 2) {
          saved = json(checkpoint());
          weights = parameters(part);
        }
      },
    });
    expect(parameters(part)).toEqual(parameters(whole));
    const resumed = fresh();
    let i = 0;
    for (const layer of resumed.layers) {
      for (const m of [layer.weights, layer.biases]) {
        for (let k = 0; k < m.data.length; k++) m.data[k] = weights[i++] as number;
      }
    }
    trainInPlace(resumed, train, { ...base, resumeFrom: saved as unknown as TrainerState });
    expect(parameters(resumed)).toEqual(parameters(whole));
  });

  it('lets the event loop run between chunks, and reads an abort sent from another task', async () => {
    // An abort sent by an immediate task during the first chunk lands in the pause after it.
    const controller = new AbortController();
    const stopped = await trainInPlaceAsync(fresh(), train, {
      ...base,
      threads: 2,
      signal: controller.signal,
      onBatch: (e) => {
        if (e.epoch === 1 && e.batch === 0) setImmediate(() => controller.abort());
      },
    });
    expect(stopped.stopReason).toBe('aborted');
    expect([stopped.state.epoch, stopped.state.batch]).toEqual([0, 25]);
    // A timer set during the first chunk fires while training goes on.
    let batches = 0;
    let firedAt: number | null = null;
    const result = await trainInPlaceAsync(fresh(), train, {
      ...base,
      epochs: 5,
      threads: 2,
      onBatch: (e) => {
        batches++;
        if (e.epoch === 1 && e.batch === 0)
          setTimeout(() => {
            firedAt = batches;
          }, 0);
      },
    });
    expect(result.stopReason).toBe('completed');
    expect(firedAt).not.toBeNull();
    expect(firedAt).toBeLessThan(5 * 102);
  });

  it('stops its workers when training ends, is aborted, or throws', async () => {
    const { factory, counts } = await countingFactory();
    await trainInPlaceAsync(fresh(), train, {
      ...base,
      epochs: 1,
      threads: 2,
      workerFactory: factory,
    });
    expect(counts).toEqual({ started: 1, terminated: 1 });

    const controller = new AbortController();
    controller.abort();
    const aborted = await trainInPlaceAsync(fresh(), train, {
      ...base,
      threads: 3,
      workerFactory: factory,
      signal: controller.signal,
    });
    expect(aborted.stopReason).toBe('aborted');
    expect(counts).toEqual({ started: 3, terminated: 3 });

    const { schedule: _s, ...rest } = base;
    await expect(
      trainInPlaceAsync(fresh(), classification(3, 60), {
        ...rest,
        eta: 1e308,
        lambda: 0,
        threads: 2,
        workerFactory: factory,
      }),
    ).rejects.toBeInstanceOf(DivergenceError);
    expect(counts).toEqual({ started: 4, terminated: 4 });
  });

  it('throws DivergenceError naming the same epoch and mini-batch as trainInPlace', async () => {
    const data = classification(3, 60);
    const { schedule: _s, ...rest } = base;
    const diverging = { ...rest, eta: 1e308, lambda: 0 };
    let expected: DivergenceError | null = null;
    try {
      trainInPlace(fresh(), data, diverging);
    } catch (error) {
      expected = error as DivergenceError;
    }
    expect(expected).toBeInstanceOf(DivergenceError);
    for (const threads of [1, 2]) {
      const error = await trainInPlaceAsync(fresh(), data, { ...diverging, threads }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DivergenceError);
      const d = error as DivergenceError;
      expect([d.epoch, d.batch, d.message]).toEqual([
        expected?.epoch,
        expected?.batch,
        expected?.message,
      ]);
    }
  });

  it('trains the matrix loop on one thread with threads auto or 1', async () => {
    const options = { ...base, epochs: 2, momentum: 0.5, engine: 'matrix' as const };
    const oneThread = fresh();
    const sync = trainInPlace(oneThread, train, options);
    for (const threads of ['auto', 1] as const) {
      const net = fresh();
      const result = await trainInPlaceAsync(net, train, { ...options, threads });
      expect([result.path, result.threads]).toEqual(['matrix', 1]);
      expect(parameters(net)).toEqual(parameters(oneThread));
      expect(withoutSeconds(result.history)).toEqual(withoutSeconds(sync.history));
    }
  });

  it('rejects a bad threads value, or threads > 1 where they cannot run, with a TypeError saying why', async () => {
    for (const threads of [0, -1, 1.5, MAX_THREADS + 1, Number.NaN, '2', 'two', null]) {
      await expect(
        trainInPlaceAsync(fresh(), train, { ...base, threads } as unknown as TrainAsyncOptions),
      ).rejects.toThrow(
        new TypeError(
          `threads must be 'auto' or an integer from 1 to ${MAX_THREADS}, got ${String(threads)}`,
        ),
      );
    }
    const custom = createNetwork([5, 40, 3], {
      activation: { ...sigmoid, name: 'custom' } as unknown as Activation,
      outputActivation: 'sigmoid',
      seed: 1,
    });
    await expect(trainInPlaceAsync(custom, train, { ...base, threads: 2 })).rejects.toThrow(
      /^threads: 2 needs the WebAssembly engine, but the matrix loop trains this run \(layer 1 uses 'custom'/,
    );
    await expect(
      trainInPlaceAsync(fresh(), train, { ...base, engine: 'matrix', threads: 2 }),
    ).rejects.toThrow(/threads: 2 needs the WebAssembly engine, but engine 'matrix' was asked for/);
    await expect(
      trainInPlaceAsync(fresh(), train, { ...base, workerFactory: 1 as never }),
    ).rejects.toThrow(new TypeError('workerFactory must be a function, got number'));
    await expect(trainInPlaceAsync(fresh(), train, null as never)).rejects.toThrow(
      new TypeError('options must be an object, got null'),
    );
    await expect(trainInPlaceAsync(fresh(), train, { ...base, eta: -1 })).rejects.toThrow(
      new TypeError('eta must be a positive number, got -1'),
    );
  });
});
