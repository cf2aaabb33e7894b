/**
 * Stdout and stderr that may fail: a reader that closes the pipe early
 * (`mlisp train --out m.json | head -1`: EPIPE) or a full device
 * (`> /dev/full`: ENOSPC). What the user asked to keep in files must not
 * depend on them, so a failing stream's error is remembered instead of
 * crashing the process, the command goes on, and the exit code reports it at the end:
 * 141 (128 + SIGPIPE, as for a program a shell saw killed by the closed pipe)
 * for EPIPE, 1 for any other failure. A command with no files to write has
 * nothing to finish and ends at once.
 */
import { writtenPaths } from './atomic.js';

/** What became of a process stream. */
export interface StreamWatch {
  /** The first write error, or null while the stream works. */
  readonly failure: NodeJS.ErrnoException | null;
}

/** Exit code of a command whose stdout was closed by its reader. */
export const EXIT_STDOUT_CLOSED = 141;

let keepers = 0;
let onFirstFailure: ((failure: NodeJS.ErrnoException) => void) | null = null;

/**
 * Says that the running command writes files the user asked for, so it must
 * go on when stdout fails. Returns the function that ends this.
 */
export function keepRunningWithoutStdout(): () => void {
  keepers += 1;
  let done = false;
  return () => {
    if (!done) keepers -= 1;
    done = true;
  };
}

/** True when some command has files to finish (see {@link keepRunningWithoutStdout}). */
export function hasFilesToFinish(): boolean {
  return keepers > 0;
}

/**
 * Sets what happens when stdout first fails (the CLI's entry point ends the
 * process unless {@link hasFilesToFinish}).
 */
export function onStdoutFailure(handler: (failure: NodeJS.ErrnoException) => void): void {
  onFirstFailure = handler;
}

/**
 * Watches a process stream for write errors (emitted, as Node does for pipes
 * and files): the first is kept in `failure`; none of them ends the process.
 * A stream that failed is destroyed by Node, so later writes go nowhere.
 *
 * @param stream - process.stdout or process.stderr
 * @param notify - called once with the first failure
 */
export function watchStream(
  stream: NodeJS.WriteStream,
  notify: (failure: NodeJS.ErrnoException) => void = () => undefined,
): StreamWatch {
  let failure: NodeJS.ErrnoException | null = null;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (failure !== null) return;
    failure = error;
    notify(error);
  });
  return {
    get failure() {
      return failure;
    },
  };
}

/**
 * Watches the process's stdout and stderr (see {@link watchStream}); the
 * first stdout failure goes to the handler set with {@link onStdoutFailure}.
 */
export function watchProcessStdio(): { stdout: StreamWatch; stderr: StreamWatch } {
  return {
    stdout: watchStream(process.stdout, (failure) => onFirstFailure?.(failure)),
    stderr: watchStream(process.stderr),
  };
}

/**
 * The exit code of a command that returned `code` given how stdout fared, and
 * the note to print on stderr when stdout failed.
 */
export function exitAfterStdout(
  code: number,
  failure: NodeJS.ErrnoException | null,
): { code: number; note: string | null } {
  if (failure === null) return { code, note: null };
  const what =
    failure.code === 'EPIPE'
      ? 'stdout was closed by its reader (EPIPE)'
      : `writing to stdout failed (${failure.code ?? failure.message})`;
  const files = writtenPaths.size > 0 ? `; files written: ${[...writtenPaths].join(', ')}` : '';
  // A command that had already failed keeps its own code.
  const ownCode = code !== 0 ? code : failure.code === 'EPIPE' ? EXIT_STDOUT_CLOSED : 1;
  return { code: ownCode, note: `mlisp: ${what}${files}` };
}
