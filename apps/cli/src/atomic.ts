/**
 * Atomic file writes: the data goes to a temporary file in the same folder,
 * which is then renamed over the target, so a reader (or a run stopped half
 * way) never sees a half-written model, checkpoint or data file. A run killed
 * mid-write (SIGKILL, power loss) leaves its temporary file behind; the next
 * write of the same target removes it once that process is gone.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** False only when no process `pid` exists (`kill(pid, 0)` fails with ESRCH; EPERM means alive). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Removes the temporary files of `path` (`.<name>.<pid>.<8 hex digits>.tmp`, as
 * {@link writeFileAtomic} names them) whose process no longer runs, say because it was killed mid-write. Temporary
 * files of running processes, and every other name, are left alone. Best
 * effort: a file that cannot be listed or removed is skipped.
 *
 * @param path - the target whose stale temporary files to remove
 */
function removeStaleTemps(path: string): void {
  const dir = dirname(path);
  const prefix = `.${basename(path)}.`;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return; // the write itself reports a folder it cannot use
  }
  for (const entry of entries) {
    if (!entry.startsWith(prefix) || !entry.endsWith('.tmp')) continue;
    const match = /^([1-9]\d*)\.[0-9a-f]{8}$/.exec(entry.slice(prefix.length, -'.tmp'.length));
    if (match === null) continue;
    const pid = Number(match[1]);
    if (!Number.isSafeInteger(pid) || pid === process.pid || processAlive(pid)) continue;
    try {
      unlinkSync(join(dir, entry));
    } catch {
      // gone already (another writer cleaned it) or not ours to remove
    }
  }
}

/**
 * Writes `data` to `path` atomically (temp file + rename), creating the parent
 * folders if needed. First removes the temporary files of `path` that killed
 * processes left behind (see {@link removeStaleTemps}).
 *
 * @param path - the file to write
 * @param data - its complete contents
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  removeStaleTemps(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  try {
    const fd = openSync(temp, 'w');
    try {
      let offset = 0;
      while (offset < bytes.length) {
        offset += writeSync(fd, bytes, offset, bytes.length - offset);
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
