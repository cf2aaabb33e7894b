/**
 * Atomic file writes: the data goes to a temporary file in the same folder,
 * which is then renamed over the target, so a reader (or a run stopped half
 * way) never sees a half-written model, checkpoint or data file. A run killed
 * mid-write (SIGKILL, power loss) leaves its temporary file behind; the next
 * write of the same target removes it once that process is gone.
 *
 * A symlink is written through: the file it points to is replaced (atomically,
 * in its own folder) and the link stays. An existing file keeps its mode
 * (a 600 checkpoint stays 600). Anything at the path that is not a regular
 * file (a FIFO, a device, a folder) is refused with {@link NotRegularFileError}.
 */
import {
  closeSync,
  constants,
  fchmodSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  type Stats,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { kindOf, tempNameFor, writeTarget } from './safe-paths.js';

/** Thrown when the path to write holds something other than a regular file. */
export class NotRegularFileError extends Error {
  override readonly name = 'NotRegularFileError';
  constructor(
    readonly path: string,
    readonly kind: string,
  ) {
    super(`'${path}' is ${kind}; mlisp writes only regular files and will not replace it`);
  }
}

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
 * Thrown when writing a file failed (disk full, file too large, no
 * permission...): names the file and the cause. The file at the path is left
 * as it was (the last good checkpoint stays), and no temporary file remains.
 */
export class WriteFailedError extends Error {
  override readonly name = 'WriteFailedError';
  constructor(
    readonly path: string,
    override readonly cause: NodeJS.ErrnoException,
  ) {
    const reason =
      cause.code === 'ENOSPC' || cause.code === 'EDQUOT'
        ? 'the disk is full'
        : cause.code === 'EFBIG'
          ? 'the file is larger than this process may write'
          : (cause.message.split(',')[0] ?? cause.message);
    super(`could not write '${path}': ${reason} (${cause.code ?? 'error'}); it was left as it was`);
  }
}

/** The paths this process has written (for the note at the end of a run whose stdout failed). */
export const writtenPaths = new Set<string>();

/**
 * Writes `data` to `path` atomically (temp file + rename), creating the parent
 * folders if needed; through a symlink to its target; keeping an existing
 * file's mode. First removes the temporary files of the target that killed
 * processes left behind (see {@link removeStaleTemps}).
 *
 * @param path - the file to write
 * @param data - its complete contents
 * @throws NotRegularFileError when a FIFO, device, folder or socket is at the path
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const target = writeTarget(path);
  let existing: Stats | null = null;
  try {
    existing = statSync(target);
  } catch {
    // absent: created
  }
  if (existing !== null && !existing.isFile())
    throw new NotRegularFileError(path, kindOf(existing));
  const dir = dirname(target);
  mkdirSync(dir, { recursive: true });
  removeStaleTemps(target);
  const temp = tempNameFor(target);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  try {
    const flags = constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY;
    const fd = openSync(temp, flags, existing === null ? 0o666 : existing.mode & 0o7777);
    try {
      // The umask applied at open: an existing file's mode is restored exactly.
      if (existing !== null) fchmodSync(fd, existing.mode & 0o7777);
      let offset = 0;
      while (offset < bytes.length) {
        offset += writeSync(fd, bytes, offset, bytes.length - offset);
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target);
    writtenPaths.add(path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw new WriteFailedError(path, error as NodeJS.ErrnoException);
  }
}
