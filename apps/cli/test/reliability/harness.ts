/**
 * Helpers of the reliability tests: spawn the built CLI (`node dist/cli.js`,
 * no shell or pnpm in between, so a signal sent to the child reaches mlisp
 * itself), with a safety timeout, a hook to signal it, and a pool that runs
 * many such processes a few at a time.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { assertBuilt, CLI, ROOT } from '../cli-runner.js';

export { assertBuilt, CLI, ROOT };

/** How a spawned run ended. */
export interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when the safety timeout had to kill it. */
  timedOut: boolean;
}

/** Options of {@link spawnCli}. */
export interface SpawnOptions {
  /** Kill with SIGKILL and report `timedOut` after this long (default 120 s). */
  timeoutMs?: number;
  /** Called once when the child has started. */
  onSpawn?: (child: ChildProcess) => void;
  /** Called with all stdout so far after each chunk. */
  onStdout?: (stdout: string, child: ChildProcess) => void;
  cwd?: string;
}

/** Runs `node dist/cli.js ...args` (colours off) and resolves when it has exited. */
export function spawnCli(args: readonly string[], options: SpawnOptions = {}): Promise<Ended> {
  assertBuilt();
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1' };
    delete env.FORCE_COLOR;
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd ?? ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 120_000);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (text: string) => {
      stdout += text;
      options.onStdout?.(stdout, child);
    });
    child.stderr.on('data', (text: string) => {
      stderr += text;
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
    options.onSpawn?.(child);
  });
}

/** Runs `tasks` with at most `limit` of them at a time; results in task order. */
export async function pool<T>(tasks: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, tasks.length) }, async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await (tasks[i] as () => Promise<T>)();
    }
  });
  await Promise.all(workers);
  return results;
}

/** A small seeded generator (mulberry32) for kill moments and the like. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** SHA-256 of some bytes or text, in hex (for short messages about big files). */
export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
