import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeMnistFolder } from '@mlisp/mnist/node';
import type { TrainData } from './train-setup.js';

/** What one run of the numpy peer printed. */
export interface NumpyRun {
  readonly system: string;
  readonly epoch_s: number[];
  readonly median_s: number;
  readonly accuracy: number;
  readonly numpy: string;
}

/** Where the numpy peer script is: $MLISP_NUMPY_PEER, else shared/bench/ beside the repository. */
export function numpyPeerScript(): string | undefined {
  const fromEnv = process.env.MLISP_NUMPY_PEER;
  if (fromEnv !== undefined) return existsSync(fromEnv) ? fromEnv : undefined;
  const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
  const candidate = join(repo, '..', 'shared', 'bench', 'numpy_peer.py');
  return existsSync(candidate) ? candidate : undefined;
}

/**
 * The environment of the python child: OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE
 * slow a current numpy. `threads` sets OPENBLAS_NUM_THREADS (default: the
 * caller's environment, normally one per core).
 */
function peerEnvironment(threads?: number): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  if (threads !== undefined) env.OPENBLAS_NUM_THREADS = String(threads);
  return env;
}

/** True when python3 with numpy runs here. */
export function hasNumpy(): boolean {
  const probe = spawnSync('python3', ['-c', 'import numpy'], {
    env: peerEnvironment(),
    stdio: 'ignore',
  });
  return probe.status === 0;
}

/** Writes the split as the four IDX files (with @mlisp/mnist's writer) into a new temporary folder. */
export async function writeIdxFolder(data: TrainData): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'mlisp-bench-idx-'));
  await writeMnistFolder(dir, data.split);
  return dir;
}

/** Runs the numpy peer for `epochs` epochs of workload A or B (on `threads` OpenBLAS threads when given). */
export function runNumpyPeer(
  script: string,
  idxDir: string,
  workload: string,
  epochs: number,
  seed: number,
  dtype: 'float64' | 'float32',
  threads?: number,
): NumpyRun {
  const result = spawnSync(
    'python3',
    [script, idxDir, workload, String(epochs), String(seed), dtype],
    {
      env: peerEnvironment(threads),
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    },
  );
  if (result.status !== 0) {
    throw new Error(`numpy peer failed (${result.status}): ${result.stderr.trim()}`);
  }
  const line = result.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as NumpyRun;
}
