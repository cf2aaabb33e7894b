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
  renameSync,
  rmSync,
  type Stats,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { kindOf, removeStaleTemps, tempNameFor, writeTarget } from './safe-paths.js';

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
 * processes left behind (see `removeStaleTemps`).
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
