/**
 * Runs the problem-set experiments of @mlisp/experiments off the page's
 * thread (problems 3 and 8 train on the bundled digits).
 */
import { type ExperimentResult, experiments, runExperiment } from '@mlisp/experiments';
import { type MnistSplit, parseBundled } from '@mlisp/mnist';

/** Page -> worker: run one experiment. */
export interface RunRequest {
  id: string;
  quick: boolean;
  seed: number;
  /** The digits asset the page downloaded (sent with the first request only). */
  digits?: ArrayBuffer;
}

/** One experiment as the page lists it. */
export interface ExperimentInfo {
  id: string;
  problem: number;
  title: string;
}

/** Worker -> page: a result, or why there is none. */
export type RunReply =
  | { id: string; quick: boolean; result: ExperimentResult; seconds: number }
  | { id: string; quick: boolean; error: string };

const scope = self as unknown as {
  postMessage(message: RunReply | { list: ExperimentInfo[] }): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<RunRequest>) => void): void;
};

let mnist: MnistSplit | undefined;

// The page lists the experiments from here, so it never loads their code.
scope.postMessage({
  list: experiments.map(({ id, problem, title }) => ({ id, problem, title })),
});

scope.addEventListener('message', (event) => {
  const { id, quick, seed, digits } = event.data;
  try {
    if (digits) mnist = parseBundled(new Uint8Array(digits));
    if (!mnist) throw new Error('the digits have not arrived');
    const started = performance.now();
    const result = runExperiment(id, { seed, quick, mnist });
    scope.postMessage({ id, quick, result, seconds: (performance.now() - started) / 1000 });
  } catch (error) {
    scope.postMessage({ id, quick, error: error instanceof Error ? error.message : String(error) });
  }
});
