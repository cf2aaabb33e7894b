/**
 * One table of parsers for every flag value of every command. Commander hands
 * each value over as the string the user typed; each parser checks it and
 * throws a {@link UsageError} that names the flag, the value and what is allowed.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from './errors.js';
import { checkInputFile, checkOutputFile } from './safe-paths.js';

/** Turns the string typed after a flag into a checked value, or throws a UsageError. */
export type Parser<T> = (raw: string, flag: string) => T;

function bad(flag: string, raw: string, allowed: string): UsageError {
  return new UsageError(`invalid value for ${flag}: '${raw}' (expected ${allowed})`);
}

function toNumber(raw: string): number {
  const text = raw.trim();
  // Number('') is 0 and Number('0x10') is 16: accept plain decimal notation only.
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return Number.NaN;
  return Number(text);
}

/** An integer ≥ 1. */
export const positiveInt: Parser<number> = (raw, flag) => {
  const n = toNumber(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw bad(flag, raw, 'a whole number of 1 or more');
  return n;
};

/** An integer ≥ 0. */
export const nonNegativeInt: Parser<number> = (raw, flag) => {
  const n = toNumber(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw bad(flag, raw, 'a whole number of 0 or more');
  return n;
};

/** A finite number > 0. */
export const positiveNumber: Parser<number> = (raw, flag) => {
  const n = toNumber(raw);
  if (!Number.isFinite(n) || n <= 0) throw bad(flag, raw, 'a number greater than 0, e.g. 0.5');
  return n;
};

/** A finite number ≥ 0. */
export const nonNegativeNumber: Parser<number> = (raw, flag) => {
  const n = toNumber(raw);
  if (!Number.isFinite(n) || n < 0) throw bad(flag, raw, 'a number of 0 or more, e.g. 5');
  return n;
};

/** A momentum coefficient μ in [0, 1). */
export const momentum: Parser<number> = (raw, flag) => {
  const n = toNumber(raw);
  if (!Number.isFinite(n) || n < 0 || n >= 1) throw bad(flag, raw, 'a number in [0, 1), e.g. 0.9');
  return n;
};

/** A dropout probability p in [0, 1). */
export const probability: Parser<number> = (raw, flag) => {
  const n = toNumber(raw);
  if (!Number.isFinite(n) || n < 0 || n >= 1) throw bad(flag, raw, 'a number in [0, 1), e.g. 0.5');
  return n;
};

/**
 * Most weights and biases a network may have: a model file holds each as JSON
 * text (about 20 characters), and a checkpoint with momentum twice as many, in
 * one string of at most 2^29 characters.
 */
export const MAX_PARAMETERS = 10_000_000;

/** Layer sizes such as `784,30,10`: at least two whole numbers ≥ 1, {@link MAX_PARAMETERS} at most. */
export const sizes: Parser<number[]> = (raw, flag) => {
  const parts = raw.split(',').map((s) => s.trim());
  const values = parts.map((p) => toNumber(p));
  if (parts.length < 2 || values.some((n) => !Number.isSafeInteger(n) || n < 1)) {
    throw bad(
      flag,
      raw,
      'two or more layer sizes of 1 or more, separated by commas, e.g. 784,30,10',
    );
  }
  let parameters = 0;
  for (let l = 1; l < values.length; l++) {
    parameters += (values[l] as number) * ((values[l - 1] as number) + 1);
  }
  if (parameters > MAX_PARAMETERS) {
    const count = (n: number) => n.toLocaleString('en-US');
    throw bad(
      flag,
      raw,
      `layer sizes with at most ${count(MAX_PARAMETERS)} weights and biases in all, as a model file must hold them; these have ${count(parameters)}`,
    );
  }
  return values;
};

/**
 * Threads of the fast engine: `auto`, or a whole number from 1 to `max`.
 *
 * @param max - the most threads allowed (MAX_THREADS of @mlisp/trainer)
 */
export function threads(max: number): Parser<number | 'auto'> {
  return (raw, flag) => {
    if (raw === 'auto') return 'auto';
    const n = toNumber(raw);
    if (!Number.isSafeInteger(n) || n < 1 || n > max) {
      throw bad(flag, raw, `auto or a whole number from 1 to ${max}`);
    }
    return n;
  };
}

/** A parser that accepts one of `names` only. */
export function oneOf<T extends string>(names: readonly T[]): Parser<T> {
  return (raw, flag) => {
    if (!(names as readonly string[]).includes(raw))
      throw bad(flag, raw, `one of ${names.join(', ')}`);
    return raw as T;
  };
}

/**
 * Most bytes a JSON file (model or checkpoint) may have: the longest string
 * Node can hold (2^29 - 24 characters).
 */
export const MAX_JSON_BYTES = 2 ** 29 - 24;
/** Most bytes a PNG given to `predict --image` may have. */
export const MAX_PNG_BYTES = 64 * 1024 * 1024;

/**
 * A path to a regular file that exists, of at most `maxBytes`: not a folder,
 * and not a FIFO or device (reading one could block or never end).
 */
export function existingFileOf(maxBytes: number): Parser<string> {
  return (raw, flag) => {
    if (raw.trim() === '') throw bad(flag, raw, 'a file name');
    checkInputFile(raw, flag, maxBytes);
    return raw;
  };
}

/** A JSON file that exists: a regular file of at most {@link MAX_JSON_BYTES}. */
export const existingFile: Parser<string> = existingFileOf(MAX_JSON_BYTES);

/** A path to a folder that exists. */
export const existingDir: Parser<string> = (raw, flag) => {
  if (raw.trim() === '') throw bad(flag, raw, 'a folder name');
  if (!existsSync(raw)) throw new UsageError(`${flag}: folder '${raw}' does not exist`);
  if (!statSync(raw).isDirectory()) {
    throw new UsageError(`${flag}: '${raw}' is a file, expected a folder`);
  }
  return raw;
};

/**
 * Checks, before any work is done, that files can be written in folder `into`
 * (named `raw` by the user): the nearest part of its path that exists must be
 * a folder we may write in (missing folders below it are created when writing).
 */
function creatable(into: string, raw: string, flag: string): void {
  let dir = resolve(into);
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  if (!statSync(dir).isDirectory()) {
    throw new UsageError(`${flag}: cannot write '${raw}': '${dir}' is a file, not a folder`);
  }
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new UsageError(`${flag}: cannot write '${raw}': no permission to write in '${dir}'`);
  }
}

/** A path a file will be written to: must not be an existing folder. */
export const outFile: Parser<string> = (raw, flag) => {
  if (raw.trim() === '') throw bad(flag, raw, 'a file name');
  if (existsSync(raw) && statSync(raw).isDirectory()) {
    throw new UsageError(`${flag}: '${raw}' is a folder, expected a file name to write`);
  }
  creatable(dirname(raw), raw, flag);
  checkOutputFile(raw, flag);
  return raw;
};

/** A folder files will be written into: must not be an existing file. */
export const outDir: Parser<string> = (raw, flag) => {
  if (raw.trim() === '') throw bad(flag, raw, 'a folder name');
  if (existsSync(raw) && !statSync(raw).isDirectory()) {
    throw new UsageError(`${flag}: '${raw}' is a file, expected a folder to write into`);
  }
  creatable(raw, raw, flag);
  return raw;
};
