// Runs every experiment of @mlisp/experiments when the site is built (a
// VitePress data loader): the problem pages show these results, never numbers
// pasted by hand. An experiment that throws fails the docs build.
import type { ExperimentResult } from '@mlisp/experiments';
import { experiments, runExperiment } from '@mlisp/experiments';
import { loadBundledSync } from '@mlisp/mnist/node';
import { defineLoader } from 'vitepress';

/** One experiment's result with how long it took to compute. */
export interface ComputedResult extends ExperimentResult {
  /** Milliseconds the run took during the docs build. */
  readonly ms: number;
}

/** What the problem pages import as `data`. */
export interface Data {
  /** Results by problem number ('1' … '10'). */
  readonly results: Record<string, ComputedResult>;
  /** When the site was built (ISO 8601). */
  readonly builtAt: string;
  /** The Node.js version that computed them. */
  readonly node: string;
  /** The seed every experiment ran with (their default). */
  readonly seed: number;
}

declare const data: Data;

export { data };

const SEED = 1;

export default defineLoader({
  load(): Data {
    const mnist = loadBundledSync();
    const results: Record<string, ComputedResult> = {};
    for (const experiment of experiments) {
      const started = performance.now();
      const result = runExperiment(experiment.id, { seed: SEED, mnist });
      const ms = Math.round(performance.now() - started);
      const failed = result.checks.filter((c) => !c.pass);
      if (failed.length > 0) {
        console.warn(
          `docs: experiment ${result.id} has ${failed.length} failing check(s): ${failed.map((c) => c.name).join('; ')}`,
        );
      }
      results[String(result.problem)] = { ...result, ms };
    }
    return { results, builtAt: new Date().toISOString(), node: process.version, seed: SEED };
  },
});
