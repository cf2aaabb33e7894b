/** Runs the BUILT cli (`node apps/cli/dist/cli.js`) the way a user would. */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Path of the built CLI. */
export const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Throws a clear error when the CLI has not been built. */
export function assertBuilt(): void {
  if (!existsSync(CLI)) {
    throw new Error(
      `${CLI} is missing: the CLI tests run the built CLI. Build it first: pnpm build (or pnpm --filter @mlisp/cli... build)`,
    );
  }
}

/** What a finished run printed and how it ended. */
export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Options of {@link run}. */
export interface RunOptions {
  env?: Record<string, string>;
  /** Called with each chunk of stdout and the child (e.g. to send SIGINT). */
  onStdout?: (text: string, child: ChildProcess) => void;
}

/** Runs `mlisp ...args` and resolves when it exits. Colours are off (NO_COLOR). */
export function run(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  assertBuilt();
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = {
      ...process.env,
      NO_COLOR: '1',
      ...options.env,
    };
    delete env.FORCE_COLOR;
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (text: string) => {
      stdout += text;
      options.onStdout?.(stdout, child);
    });
    child.stderr.on('data', (text: string) => {
      stderr += text;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** The JSON objects of a --json run, one per line (fails on any other line). */
export function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`stdout has a line that is not JSON: ${line}`);
      }
    });
}
