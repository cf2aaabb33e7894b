/**
 * Lock files for checkpoints: two runs writing one checkpoint would overwrite
 * each other's state, so a run holds `<checkpoint>.lock` (created exclusively,
 * holding its pid) while it trains. A lock whose process no longer runs (a run
 * killed with SIGKILL) is stale and taken over.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { RunError } from './errors.js';
import { processAlive, writeTarget } from './safe-paths.js';

/** A lock held by this process. */
export interface Lock {
  readonly path: string;
  /** Removes the lock file (once; also done when the process exits). */
  release(): void;
}

/** The pid in a lock file, or null when it holds none (a lock being written, or garbage). */
function holder(lockPath: string): number | null {
  try {
    const text = readFileSync(lockPath, 'utf8').trim();
    const pid = Number(text);
    return /^[1-9]\d*$/.test(text) && Number.isSafeInteger(pid) ? pid : null;
  } catch {
    return null;
  }
}

/**
 * Takes the lock of file `path` (`<path>.lock`, next to the file a symlink
 * leads to).
 *
 * @param path - the file to be written by this run only
 * @param flag - the flag that named it, for messages
 * @throws RunError naming the file and the pid of the run that holds it
 */
export function acquireLock(path: string, flag: string): Lock {
  const lockPath = `${writeTarget(path)}.lock`;
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(lockPath, 'wx', 0o644);
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      if (e.code !== 'EEXIST') {
        throw new RunError(
          `${flag}: cannot create the lock file '${lockPath}' (${e.code ?? e.message})`,
        );
      }
      const pid = holder(lockPath);
      if (pid !== null && pid !== process.pid && processAlive(pid)) {
        throw new RunError(
          `${flag}: '${path}' is in use by another mlisp run (pid ${pid}, lock file '${lockPath}'); wait for it to end or give another file`,
        );
      }
      if (pid === null && attempt === 0) {
        // Perhaps just created and not yet written: look again shortly.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
        if (holder(lockPath) !== null) continue;
      }
      // Stale: its process is gone (or it never held a pid). Take it over.
      try {
        unlinkSync(lockPath);
      } catch {
        // removed by another run taking it over: try again
      }
      continue;
    }
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
    let held = true;
    const release = () => {
      if (!held) return;
      held = false;
      process.off('exit', release);
      if (holder(lockPath) === process.pid) {
        try {
          unlinkSync(lockPath);
        } catch {
          // already gone
        }
      }
    };
    process.on('exit', release);
    return { path: lockPath, release };
  }
  throw new RunError(
    `${flag}: could not take the lock file '${lockPath}' (other runs keep taking it)`,
  );
}
