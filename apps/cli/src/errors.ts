/**
 * The two ways a command can fail, and the exit code each one ends with:
 * a usage error (a bad flag, a bad value, a missing file) exits 2, a failure
 * while running (training diverged, a file could not be written) exits 1.
 */

/** Exit code of a run that succeeded. */
export const EXIT_OK = 0;
/** Exit code of a failure while running. */
export const EXIT_FAILURE = 1;
/** Exit code of a usage error. */
export const EXIT_USAGE = 2;

/** A mistake in how the command was called: exits with code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly exitCode = EXIT_USAGE;
}

/** A failure while the command was running: exits with code 1. */
export class RunError extends Error {
  override readonly name = 'RunError';
  readonly exitCode = EXIT_FAILURE;
}

/** The exit code for any thrown value: 2 for usage errors, 1 for everything else. */
export function exitCodeOf(error: unknown): number {
  return error instanceof UsageError ? EXIT_USAGE : EXIT_FAILURE;
}

/** The message of any thrown value. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * Ends a command with a given exit code after it has already printed what it
 * had to say (e.g. 130 after a training run stopped by Ctrl-C).
 */
export class ExitCode extends Error {
  override readonly name = 'ExitCode';
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}
