/**
 * Signals that stop a training run: Ctrl-C (SIGINT), SIGTERM (kill, service
 * managers, container stops) and SIGHUP (the terminal closed) are all handled
 * alike: the first one stops training at the next mini-batch boundary, the
 * outputs are saved, and the run exits 128 + the signal's number (130, 143,
 * 129); a second one exits at once.
 *
 * Package managers do not pass signals on: `pnpm mlisp train` sent SIGTERM
 * ends pnpm and leaves node running as an orphan (pnpm 12.4.2; Ctrl-C in a
 * terminal reaches node anyway, as the terminal signals the whole process
 * group). So when mlisp runs under a package-manager script, it also watches
 * the wrapper processes it was started by, and treats their end like SIGHUP.
 */
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { processAlive } from './safe-paths.js';

/** The signals that stop a run the way Ctrl-C does. */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

/** The exit code of a run stopped by `signal`: 128 + its number, as shells report it. */
export function exitCodeOfSignal(signal: StopSignal): number {
  return 128 + constants.signals[signal];
}

/** How a stop was asked for: the signal, and why when it was not a real one. */
export interface StopRequest {
  signal: StopSignal;
  /** A note when the stop is not a signal mlisp itself received. */
  note?: string;
}

/** The handlers installed by {@link onStopSignals}. */
export interface StopSignals {
  /** The first stop asked for, or null. */
  readonly requested: StopRequest | null;
  /** Removes the handlers (and stops watching the wrapper). */
  dispose(): void;
}

/** How often the wrapper processes are checked. */
const WATCH_MS = 250;
/** Names of the processes a package-manager script runs mlisp through. */
const WRAPPERS = /^(sh|dash|bash|pnpm|npm|npx|yarn|node)$/;
/** The shells among them. */
const SHELLS = /^(sh|dash|bash)$/;

function parentOf(pid: number): { ppid: number; name: string } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (name) state ppid ...": the name may hold spaces and parentheses.
    const close = stat.lastIndexOf(')');
    const name = stat.slice(stat.indexOf('(') + 1, close);
    const ppid = Number(stat.slice(close + 2).split(' ')[1]);
    return Number.isSafeInteger(ppid) ? { ppid, name } : null;
  } catch {
    return null; // not Linux, or gone
  }
}

/**
 * The processes between mlisp and the outermost package manager that started
 * it (the shells of scripts, pnpm itself, nested runs such as `pnpm start`
 * calling `pnpm mlisp`), when it runs under a package-manager script; empty
 * otherwise. Shells above the outermost manager (the user's own, which
 * `nohup` may outlive) are not watched.
 */
function wrapperPids(env: NodeJS.ProcessEnv): number[] {
  if (env.npm_lifecycle_event === undefined) return [];
  const chain: { pid: number; manager: boolean }[] = [];
  let pid = process.ppid;
  for (let depth = 0; depth < 8 && pid > 1; depth++) {
    const info = parentOf(pid);
    if (info === null || !WRAPPERS.test(info.name)) break;
    chain.push({ pid, manager: !SHELLS.test(info.name) });
    pid = info.ppid;
  }
  let last = -1;
  chain.forEach((p, i) => {
    if (p.manager) last = i;
  });
  return chain.slice(0, last + 1).map((p) => p.pid);
}

/**
 * Installs handlers for {@link STOP_SIGNALS}: the first signal calls `onStop`
 * once, a second one exits at once with 128 + its number.
 *
 * @param onStop - stops the work at the next safe point
 * @param env - the environment (tells whether a package manager started mlisp)
 */
export function onStopSignals(
  onStop: (request: StopRequest) => void,
  env: NodeJS.ProcessEnv = process.env,
): StopSignals {
  let requested: StopRequest | null = null;
  const request = (r: StopRequest) => {
    if (requested !== null) {
      process.exit(exitCodeOfSignal(r.signal));
    }
    requested = r;
    onStop(r);
  };
  const handlers = STOP_SIGNALS.map((signal) => {
    const handler = () => request({ signal });
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  const wrappers = wrapperPids(env);
  const firstParent = process.ppid;
  const timer =
    wrappers.length === 0
      ? null
      : setInterval(() => {
          if (requested !== null) return;
          if (process.ppid !== firstParent || !wrappers.every(processAlive)) {
            request({
              signal: 'SIGHUP',
              note: 'the package manager that started mlisp has ended (it does not pass signals on)',
            });
          }
        }, WATCH_MS);
  timer?.unref();
  return {
    get requested() {
      return requested;
    },
    dispose() {
      for (const [signal, handler] of handlers) process.off(signal, handler);
      if (timer !== null) clearInterval(timer);
    },
  };
}
