/**
 * The table of every flag the commands take, with the parser that checks its
 * value. Commands declare their flags with commander as plain strings and run
 * them through {@link readFlags}, so every value is checked in one place.
 */
import { existsSync } from 'node:fs';
import { UsageError } from './errors.js';
import * as P from './parsers.js';

/** Activations a hidden layer may use (step is refused: it has no useful gradient). */
export const HIDDEN_ACTIVATIONS = ['sigmoid', 'tanh', 'relu', 'leaky-relu', 'linear'] as const;
/** Activations the output layer may use. */
export const OUTPUT_ACTIVATIONS = ['sigmoid', 'softmax'] as const;
/** Cost functions. */
export const COSTS = ['quadratic', 'cross-entropy', 'log-likelihood'] as const;
/** Named weight initialisers. */
export const INITIALISERS = ['normal', 'scaled', 'xavier', 'he'] as const;
/**
 * Most threads `--threads` accepts: MAX_THREADS of @mlisp/trainer (a test keeps
 * them equal; not imported, so that commands other than train start without
 * loading the trainer).
 */
export const MAX_THREADS = 8;
/** Export formats. */
export const EXPORT_FORMATS = ['onnx', 'tfjs', 'network2'] as const;
/** Number types `mlisp train` computes in (`--precision`). */
export const PRECISIONS = ['f32', 'f64'] as const;
/** Regularisation terms (`--regularization`). */
export const REGULARIZATIONS = ['l2', 'l1'] as const;
/** The book's settings `--preset` names. */
export const PRESET_NAMES = ['ch1', 'ch3'] as const;

export type HiddenActivation = (typeof HIDDEN_ACTIVATIONS)[number];
export type OutputActivation = (typeof OUTPUT_ACTIVATIONS)[number];
export type CostName = (typeof COSTS)[number];
export type InitialiserName = (typeof INITIALISERS)[number];
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export type Precision = (typeof PRECISIONS)[number];
export type Preset = (typeof PRESET_NAMES)[number];
export type Regularization = (typeof REGULARIZATIONS)[number];

/** `--init`: a named initialiser, or a model file to start from. */
export type InitChoice = { kind: 'named'; name: InitialiserName } | { kind: 'file'; path: string };
/** `--data`: the bundled digits, or a folder of MNIST IDX files. */
export type DataChoice = { kind: 'bundled' } | { kind: 'dir'; path: string };

const hiddenActivation: P.Parser<HiddenActivation> = (raw, flag) => {
  if (raw === 'step') {
    throw new UsageError(
      `invalid value for ${flag}: 'step' cannot be trained: its gradient is zero or undefined (problem 10); expected one of ${HIDDEN_ACTIVATIONS.join(', ')}`,
    );
  }
  return P.oneOf(HIDDEN_ACTIVATIONS)(raw, flag);
};

const init: P.Parser<InitChoice> = (raw, flag) => {
  if ((INITIALISERS as readonly string[]).includes(raw)) {
    return { kind: 'named', name: raw as InitialiserName };
  }
  if (!existsSync(raw) && !/[./\\]/.test(raw)) {
    // Not a file, and looks like a mistyped name rather than a path.
    throw new UsageError(
      `invalid value for ${flag}: '${raw}' (expected one of ${INITIALISERS.join(', ')}, or a model file)`,
    );
  }
  return { kind: 'file', path: P.existingFile(raw, flag) };
};

const data: P.Parser<DataChoice> = (raw, flag) => {
  if (raw === 'bundled') return { kind: 'bundled' };
  return { kind: 'dir', path: P.existingDir(raw, flag) };
};

/** Every flag value parser, by commander's attribute name. */
export const FLAGS = {
  sizes: P.sizes,
  activation: hiddenActivation,
  output: P.oneOf(OUTPUT_ACTIVATIONS),
  cost: P.oneOf(COSTS),
  eta: P.positiveNumber,
  lambda: P.nonNegativeNumber,
  momentum: P.momentum,
  epochs: P.positiveInt,
  batch: P.positiveInt,
  seed: P.nonNegativeInt,
  init,
  data,
  train: P.positiveInt,
  test: P.positiveInt,
  threads: P.threads(MAX_THREADS),
  precision: P.oneOf(PRECISIONS),
  preset: P.oneOf(PRESET_NAMES),
  validation: P.positiveInt,
  earlyStop: P.positiveInt,
  etaSchedule: P.positiveInt,
  history: P.outFile,
  regularization: P.oneOf(REGULARIZATIONS),
  dropout: P.probability,
  out: P.outFile,
  outDir: P.outDir,
  checkpoint: P.outFile,
  resume: P.existingFile,
  index: P.nonNegativeInt,
  image: P.existingFileOf(P.MAX_PNG_BYTES),
  format: P.oneOf(EXPORT_FORMATS),
  model: P.existingFile,
} as const;

type Flags = typeof FLAGS;
/** The checked value type of each flag. */
export type FlagValues = { [K in keyof Flags]: ReturnType<Flags[K]> };

function flagName(key: string): string {
  if (key === 'outDir') return '--out';
  if (key === 'model') return 'MODEL';
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * Checks the raw string values commander collected for `keys` and returns the
 * parsed ones (flags that were not given stay undefined). `source` maps a table
 * key to the commander attribute it is read from when the two differ.
 */
export function readFlags<K extends keyof Flags>(
  raw: Record<string, unknown>,
  keys: readonly K[],
  source: Partial<Record<K, string>> = {},
): Partial<Pick<FlagValues, K>> {
  const out: Partial<Pick<FlagValues, K>> = {};
  for (const key of keys) {
    const value = raw[source[key] ?? key];
    if (value === undefined) continue;
    if (typeof value !== 'string') {
      throw new UsageError(`${flagName(key)} needs a value`);
    }
    out[key] = FLAGS[key](value, flagName(key)) as FlagValues[K];
  }
  return out;
}
