import { Rng } from '@mlisp/tensor';
import { median } from './timing.js';
import { createEngine, type EngineSpec, type loadFastEngine } from './train-engines.js';
import { epochFlops, type TrainData, WORKLOAD_B, workloadNetwork } from './train-setup.js';

/** Epoch time of one path at one hidden width and mini-batch size. */
export interface ScalingRow {
  readonly name: string;
  readonly sizes: readonly number[];
  readonly batchSize: number;
  readonly medianSeconds: number;
  readonly gflops: number;
}

export const SCALING_WIDTHS = [30, 100, 300] as const;
export const SCALING_BATCHES = [10, 32, 128] as const;

/**
 * Seconds per epoch and GFLOP/s of each spec for hidden widths 30, 100, 300
 * and mini-batches of 10, 32, 128 (workload B's cost and η otherwise), after
 * one untimed epoch.
 */
export async function runScaling(
  fast: Awaited<ReturnType<typeof loadFastEngine>>,
  specs: readonly EngineSpec[],
  data: TrainData,
  epochs: number,
): Promise<ScalingRow[]> {
  const rows: ScalingRow[] = [];
  const rng = new Rng(7);
  for (const width of SCALING_WIDTHS) {
    for (const batchSize of SCALING_BATCHES) {
      const sizes = [784, width, 10];
      const flops = epochFlops(sizes, data.inputs.rows, batchSize);
      const engines = await Promise.all(
        specs.map((spec) =>
          createEngine(fast, spec, WORKLOAD_B, workloadNetwork(WORKLOAD_B, 1, sizes), batchSize),
        ),
      );
      const seconds: number[][] = specs.map(() => []);
      for (let e = 0; e <= epochs; e++) {
        const order = rng.permutation(data.inputs.rows);
        engines.forEach((engine, i) => {
          const start = performance.now();
          engine.runEpoch(data.inputs, data.targets, order);
          if (e > 0) seconds[i]?.push((performance.now() - start) / 1000);
        });
      }
      specs.forEach((spec, i) => {
        const s = median(seconds[i] as number[]);
        rows.push({ name: spec.name, sizes, batchSize, medianSeconds: s, gflops: flops / s / 1e9 });
        engines[i]?.close();
      });
    }
  }
  return rows;
}
