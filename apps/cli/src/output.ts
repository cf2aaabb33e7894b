/**
 * Where the CLI prints: results on stdout, progress and diagnostics on stderr.
 * Colours only when the stream is a terminal and NO_COLOR is not set
 * (FORCE_COLOR turns them on for a pipe).
 */
import pc from 'picocolors';

/** A place text can be written to (process.stdout, or a buffer in tests). */
export interface OutStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** The colour functions the CLI uses; identity functions when colour is off. */
export type Colors = ReturnType<typeof pc.createColors>;

/** The output context every command prints through. */
export interface Io {
  readonly stdout: OutStream;
  readonly stderr: OutStream;
  /** Colours for text on stdout. */
  readonly color: Colors;
  /** Colours for text on stderr. */
  readonly colorErr: Colors;
  /** Environment variables (NO_COLOR, FORCE_COLOR, COLUMNS). */
  readonly env: NodeJS.ProcessEnv;
}

/** True when text written to `stream` should carry ANSI colours. */
export function colorEnabled(stream: OutStream, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  return stream.isTTY === true && env.TERM !== 'dumb';
}

/** The output context of the running process. */
export function processIo(): Io {
  const env = process.env;
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    color: pc.createColors(colorEnabled(process.stdout, env)),
    colorErr: pc.createColors(colorEnabled(process.stderr, env)),
    env,
  };
}

/** Prints one line on stdout. */
export function println(io: Io, text = ''): void {
  io.stdout.write(`${text}\n`);
}

/** Prints one line on stderr. */
export function eprintln(io: Io, text = ''): void {
  io.stderr.write(`${text}\n`);
}

/** Prints `value` as one JSON object on one line of stdout (the --json contract). */
export function printJson(io: Io, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value)}\n`);
}

/** The terminal width for layout (80 when unknown). */
export function widthOf(io: Io): number {
  const cols = io.stdout.columns ?? Number(io.env.COLUMNS);
  return Number.isFinite(cols) && cols >= 40 ? cols : 80;
}
