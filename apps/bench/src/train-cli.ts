import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Workload } from './train-setup.js';

/** What one `mlisp train --json` run of a workload showed. */
export interface CliRun {
  /** The `seconds` of each epoch event: the trainer's own time for the epoch's mini-batches. */
  readonly trainingSeconds: number[];
  /**
   * Time between consecutive epoch events as they reached this process (from
   * epoch 2 on): one whole epoch as a user waits for it, training plus the
   * per-epoch training cost, test cost and test accuracy.
   */
  readonly wallSeconds: number[];
  /** Test accuracy after the last epoch. */
  readonly accuracy: number;
  readonly epochs: number;
  /** Peak resident memory of the process in bytes (when /usr/bin/time measured it), else NaN. */
  readonly peakBytes: number;
}

/** GNU time, which reports a child's peak resident memory, when installed. */
const GNU_TIME = '/usr/bin/time';

/** The built CLI (apps/cli/dist/cli.js), or undefined when it has not been built. */
export function cliScript(): string | undefined {
  const path = fileURLToPath(new URL('../../cli/dist/cli.js', import.meta.url));
  return existsSync(path) ? path : undefined;
}

/** The `mlisp train` flags that set up the workload (its cost, η, λ, initialisation, batch size). */
export function cliFlags(w: Workload, epochs: number, seed: number): string[] {
  return [
    'train',
    '--sizes',
    w.sizes.join(','),
    '--cost',
    w.cost,
    '--eta',
    String(w.eta),
    '--lambda',
    String(w.lambda),
    '--init',
    w.init,
    '--batch',
    String(w.batchSize),
    '--epochs',
    String(epochs),
    '--seed',
    String(seed),
    '--json',
  ];
}

/**
 * Runs `node apps/cli/dist/cli.js train ... --json` for `epochs` epochs of the
 * workload on the bundled digits and times its epoch events.
 *
 * @throws Error when the CLI exits non-zero or prints no epoch events
 */
export function runCli(script: string, w: Workload, epochs: number, seed: number): Promise<CliRun> {
  return runCliArgs(script, cliFlags(w, epochs, seed));
}

/**
 * Runs `node apps/cli/dist/cli.js ...args` (a `train ... --json` command),
 * times its epoch events and, where /usr/bin/time exists, measures its peak
 * resident memory.
 *
 * @throws Error when the CLI exits non-zero or prints no epoch events
 */
export function runCliArgs(script: string, args: readonly string[]): Promise<CliRun> {
  const rssFile = join(mkdtempSync(join(tmpdir(), 'mlisp-bench-rss-')), 'maxrss');
  const timed = existsSync(GNU_TIME);
  return new Promise((resolve, reject) => {
    const command = timed
      ? [GNU_TIME, ['-f', '%M', '-o', rssFile, process.execPath, script, ...args]]
      : [process.execPath, [script, ...args]];
    const child = spawn(command[0] as string, command[1] as string[], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const trainingSeconds: number[] = [];
    const arrivals: number[] = [];
    let accuracy = Number.NaN;
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      const event = JSON.parse(line) as { event: string; seconds: number; testAccuracy: number };
      if (event.event !== 'epoch') return;
      arrivals.push(performance.now());
      trainingSeconds.push(event.seconds);
      accuracy = event.testAccuracy;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0 || trainingSeconds.length === 0) {
        reject(new Error(`mlisp train exited with ${code}: ${stderr.trim()}`));
        return;
      }
      const wallSeconds = arrivals.slice(1).map((t, i) => (t - (arrivals[i] as number)) / 1000);
      // GNU time's %M is the peak resident set in KiB.
      const peakBytes = timed ? 1024 * Number(readFileSync(rssFile, 'utf8').trim()) : Number.NaN;
      rmSync(dirname(rssFile), { recursive: true, force: true });
      resolve({
        trainingSeconds,
        wallSeconds,
        accuracy,
        epochs: trainingSeconds.length,
        peakBytes,
      });
    });
  });
}
