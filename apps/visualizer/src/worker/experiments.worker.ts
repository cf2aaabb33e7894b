/**
 * Runs the problem-set experiments of @mlisp/experiments off the page's
 * thread (problems 3 and 8 train on the bundled digits).
 */
import { type ExperimentResult, runExperiment } from '@mlisp/experiments';
import { type MnistSplit, parseBundled } from '@mlisp/mnist';

/** Page -> worker: run one experiment. */
export interface RunRequest {
  id: string;
  quick: boolean;
  seed: number;
  /** Absolute URL of the digits asset, for the experiments that need MNIST. */
  digitsUrl: string;
}

/** Worker -> page: a result, or why there is none. */
export type RunReply =
  | { id: string; quick: boolean; result: ExperimentResult; seconds: number }
  | { id: string; quick: boolean; error: string };

const scope = self as unknown as {
  postMessage(message: RunReply): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<RunRequest>) => void): void;
};

let mnist: Promise<MnistSplit> | undefined;

async function digits(url: string): Promise<MnistSplit> {
  mnist ??= fetch(url).then(async (response) => {
    if (!response.ok) throw new Error(`HTTP ${response.status} for the digits asset`);
    return parseBundled(new Uint8Array(await response.arrayBuffer()));
  });
  return mnist;
}

scope.addEventListener('message', async (event) => {
  const { id, quick, seed, digitsUrl } = event.data;
  try {
    const mnist = await digits(digitsUrl);
    const started = performance.now();
    const result = runExperiment(id, { seed, quick, mnist });
    scope.postMessage({ id, quick, result, seconds: (performance.now() - started) / 1000 });
  } catch (error) {
    scope.postMessage({ id, quick, error: error instanceof Error ? error.message : String(error) });
  }
});
