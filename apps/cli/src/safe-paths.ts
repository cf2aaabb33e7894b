/**
 * What the CLI checks about the files it is given, before any work is done:
 * inputs must be regular files (not a FIFO that blocks forever, not a device
 * such as /dev/zero that never ends, not a folder) of a bounded size; outputs
 * must be regular files or absent (a symlink is followed to its target), and
 * writable with a temporary name of exactly the form the atomic write will
 * use; no output may be an input or another output.
 */
import { randomBytes } from 'node:crypto';
import {
  accessSync,
  closeSync,
  constants,
  lstatSync,
  openSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  type Stats,
  statSync,
  unlinkSync,
} from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { UsageError } from './errors.js';

/**
 * A fresh temporary name for writing `target`: `.<name>.<pid>.<8 hex digits>.tmp`
 * in the same folder. Its length is the same for every call in one process,
 * so a check with one such name holds for the name the write will use.
 */
export function tempNameFor(target: string): string {
  return join(
    dirname(target),
    `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
}

/** False only when no process `pid` exists (`kill(pid, 0)` fails with ESRCH; EPERM means alive). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Removes the temporary files of `path` (`.<name>.<pid>.<8 hex digits>.tmp`, as
 * `writeFileAtomic` names them, and the probe of {@link checkOutputFile}) whose process no longer runs, say because it was killed mid-write. Temporary
 * files of running processes, and every other name, are left alone. Best
 * effort: a file that cannot be listed or removed is skipped.
 *
 * @param path - the target whose stale temporary files to remove
 */
export function removeStaleTemps(path: string): void {
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

/** What kind of file `stats` describes, for messages ("a FIFO", "a character device"...). */
export function kindOf(stats: Stats): string {
  if (stats.isFile()) return 'a regular file';
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw error;
  }
}

/**
 * The file a write to `path` lands in: `path` itself, or, when it is a
 * symlink, the file it points to (followed through further links, also when
 * the last one dangles: writing creates it).
 */
export function writeTarget(path: string): string {
  let current = resolve(path);
  for (let hops = 0; hops < 40; hops++) {
    let link: string;
    try {
      if (!lstatSync(current).isSymbolicLink()) break;
      link = readlinkSync(current);
    } catch {
      break; // missing: the write creates it
    }
    current = isAbsolute(link) ? link : resolve(dirname(current), link);
  }
  // Resolve the folders on the way too, so that two spellings of one file compare equal.
  try {
    return join(realpathSync(dirname(current)), basename(current));
  } catch {
    return current;
  }
}

/**
 * Checks an input file before it is read: it must exist, be a regular file
 * (after following symlinks) and hold at most `maxBytes`.
 *
 * @param path - the file
 * @param flag - the flag or argument that named it, for messages
 * @param maxBytes - the most bytes this kind of file may have (none when omitted)
 * @throws UsageError naming the flag, the file and what is wrong
 */
export function checkInputFile(path: string, flag: string, maxBytes?: number): Stats {
  const stats = statOrNull(path);
  if (stats === null) throw new UsageError(`${flag}: file '${path}' does not exist`);
  if (stats.isDirectory()) throw new UsageError(`${flag}: '${path}' is a folder, expected a file`);
  if (!stats.isFile()) {
    throw new UsageError(
      `${flag}: '${path}' is ${kindOf(stats)}, not a regular file; mlisp reads only regular files`,
    );
  }
  if (maxBytes !== undefined && stats.size > maxBytes) {
    throw new UsageError(
      `${flag}: '${path}' has ${stats.size.toLocaleString('en-US')} bytes, more than the ${maxBytes.toLocaleString('en-US')} such a file may have`,
    );
  }
  return stats;
}

/**
 * Checks, before any work, that `path` can be written atomically: what is
 * there now (after following symlinks) is absent or a regular file, and a
 * temporary file of exactly the name length the write will use can be
 * created next to it (so a name too long for the file system, a read-only
 * folder or a full inode table fail now, not after training).
 *
 * @param path - the file to be written
 * @param flag - the flag that named it, for messages
 * @throws UsageError naming the flag and the file
 */
export function checkOutputFile(path: string, flag: string): void {
  const target = writeTarget(path);
  const stats = statOrNull(target);
  if (stats !== null && !stats.isFile()) {
    const via = target === resolve(path) ? '' : ` (the symlink points to '${target}')`;
    throw new UsageError(
      `${flag}: '${path}' is ${kindOf(stats)}${via}; mlisp writes only regular files and will not replace it`,
    );
  }
  const dir = dirname(target);
  const name = basename(target);
  // A run killed during an earlier probe or write left its temporary file: remove it now,
  // also when this run writes no new version of the file (a resumed run with nothing left to train).
  removeStaleTemps(target);
  // The temporary name has a fixed length whatever its random part: check it now.
  const probe = tempNameFor(target);
  if (Buffer.byteLength(basename(probe)) > 255) {
    throw new UsageError(
      `${flag}: the name '${name}' is too long: mlisp writes it through a temporary file of ${Buffer.byteLength(basename(probe))} bytes ('.${name}.PID.RANDOM.tmp'), and file names may have at most 255; use a name of at most ${255 - (Buffer.byteLength(basename(probe)) - Buffer.byteLength(name))} bytes`,
    );
  }
  const dirStats = statOrNull(dir);
  if (dirStats === null) return; // created when writing; the flag parser checked its nearest folder
  if (!dirStats.isDirectory()) {
    throw new UsageError(`${flag}: cannot write '${path}': '${dir}' is not a folder`);
  }
  let fd: number;
  try {
    fd = openSync(probe, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    throw new UsageError(
      `${flag}: cannot write '${path}': creating its temporary file in '${dir}' failed (${e.code ?? e.message})`,
    );
  }
  closeSync(fd);
  unlinkSync(probe);
  if (stats !== null) {
    try {
      accessSync(target, constants.W_OK);
    } catch {
      // Replacing it by rename works, but the user made it read-only: respect that.
      throw new UsageError(`${flag}: '${path}' is read-only; mlisp will not replace it`);
    }
  }
}

/** A file named by a flag, for {@link refuseSameFiles}. */
export interface NamedPath {
  flag: string;
  path: string;
}

function identity(path: string): string {
  const stats = statOrNull(path);
  return stats === null ? `path:${writeTarget(path)}` : `inode:${stats.dev}:${stats.ino}`;
}

/**
 * Refuses a command whose outputs overwrite one of its inputs or each other
 * (`export m.json --out m.json`, `--resume c --out c`, `--checkpoint x --out x`),
 * comparing the files the paths lead to (links and other spellings included).
 *
 * @throws UsageError naming both flags and the file
 */
export function refuseSameFiles(inputs: readonly NamedPath[], outputs: readonly NamedPath[]): void {
  const seen = new Map<string, NamedPath>();
  for (const input of inputs) seen.set(identity(input.path), input);
  for (const output of outputs) {
    const id = identity(output.path);
    const other = seen.get(id);
    if (other !== undefined) {
      const reading = inputs.includes(other);
      throw new UsageError(
        `${output.flag} '${output.path}' is the same file as ${other.flag} '${other.path}'${reading ? ': writing it would destroy the input it is read from' : ''}; give ${output.flag} another file`,
      );
    }
    seen.set(id, output);
  }
}
