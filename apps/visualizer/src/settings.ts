/**
 * The training settings, and their round trip through the URL hash
 * (`#train?sizes=784-30-10&eta=0.5&…`), so a link reproduces a run.
 */
import { TRAINING_DEFAULTS as D } from '@mlisp/trainer/defaults';

/** Hidden-layer activations offered in the UI (names as in @mlisp/neurons). */
export const HIDDEN_ACTIVATIONS = ['sigmoid', 'tanh', 'relu', 'leaky-relu'] as const;
/** Costs offered in the UI (names as in @mlisp/costs). */
export const COSTS = ['cross-entropy', 'quadratic', 'log-likelihood'] as const;
/** Initialisers offered in the UI (names as in @mlisp/neurons). */
export const INITS = ['scaled', 'normal', 'xavier', 'he'] as const;
/** Number types of the network offered in the UI. */
export const DTYPES = ['float64', 'float32'] as const;

/** Everything that determines a training run. */
export interface Settings {
  /** Layer sizes, input first (784) and output last (10). */
  sizes: number[];
  hidden: (typeof HIDDEN_ACTIVATIONS)[number];
  cost: (typeof COSTS)[number];
  /** Learning rate η. */
  eta: number;
  /** L2 regularisation λ. */
  lambda: number;
  /** Mini-batch size m. */
  batch: number;
  epochs: number;
  init: (typeof INITS)[number];
  seed: number;
  /** How many of the 7996 training digits to use (fewer trains faster). */
  train: number;
  /** The network's number type. */
  dtype: (typeof DTYPES)[number];
}

/**
 * The settings of a fresh page: @mlisp/trainer's TRAINING_DEFAULTS, the same
 * as `mlisp train`'s, on all 7996 bundled training digits (the CLI's default
 * data too), so the same link and flags give the same model.
 */
export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  sizes: [...D.sizes],
  hidden: D.activation,
  cost: D.cost,
  eta: D.eta,
  lambda: D.lambda,
  batch: D.batchSize,
  epochs: D.epochs,
  init: D.init,
  seed: D.seed,
  train: 7996,
  dtype: D.dtype,
});

/** The settings that change a run while it trains (from its next mini-batch). */
export const LIVE_SETTINGS = ['eta', 'lambda', 'batch', 'epochs'] as const;

/** Allowed range of each numeric setting, and whether it must be a whole number. */
export const BOUNDS = {
  eta: { min: 1e-6, max: 1e3, integer: false },
  lambda: { min: 0, max: 1e4, integer: false },
  batch: { min: 1, max: 7996, integer: true },
  epochs: { min: 1, max: 1000, integer: true },
  seed: { min: 0, max: 2 ** 31 - 1, integer: true },
  train: { min: 100, max: 7996, integer: true },
} as const;

/** A numeric setting's name. */
export type NumericSetting = keyof typeof BOUNDS;

/**
 * Why `value` is not allowed for a numeric setting, or undefined when it is.
 *
 * @param name - the setting
 * @param value - the proposed value
 */
export function invalidReason(name: NumericSetting, value: number): string | undefined {
  const b = BOUNDS[name];
  if (!Number.isFinite(value) || value < b.min || value > b.max) {
    return `${name} must be between ${b.min} and ${b.max}`;
  }
  if (b.integer && !Number.isInteger(value)) return `${name} must be a whole number`;
  return undefined;
}

/** The views of the app, as they appear in the hash. */
export const VIEWS = ['train', 'network', 'digits', 'draw', 'experiments'] as const;
/** One view name. */
export type View = (typeof VIEWS)[number];

function oneOf<T extends string>(options: readonly T[], value: string | null, fallback: T): T {
  return value !== null && (options as readonly string[]).includes(value) ? (value as T) : fallback;
}

function num(value: string | null, fallback: number, min: number, max: number): number {
  if (value === null || value.trim() === '') return fallback;
  const n = Number(value);
  return Number.isFinite(n) && n >= min && n <= max ? n : fallback;
}

function int(value: string | null, fallback: number, min: number, max: number): number {
  return Math.round(num(value, fallback, min, max));
}

/**
 * Parses layer sizes such as `784-30-10` or `784,30,10`; the first must be
 * 784 and the last 10 (the digits); returns undefined when not valid.
 */
export function parseSizes(text: string): number[] | undefined {
  const parts = text
    .split(/[-,\s]+/)
    .filter((s) => s !== '')
    .map(Number);
  if (parts.length < 2 || parts.some((n) => !Number.isInteger(n) || n < 1 || n > 4096)) {
    return undefined;
  }
  if (parts[0] !== 784 || parts[parts.length - 1] !== 10) return undefined;
  return parts;
}

/** Reads the view and settings from a hash such as `#train?eta=0.5`. */
export function parseHash(hash: string): { view: View; settings: Settings; problem?: string } {
  const body = hash.replace(/^#\/?/, '');
  const q = body.indexOf('?');
  const viewName = q === -1 ? body : body.slice(0, q);
  const params = new URLSearchParams(q === -1 ? '' : body.slice(q + 1));
  const d = DEFAULT_SETTINGS;
  const settings: Settings = {
    sizes: parseSizes(params.get('sizes') ?? '') ?? [...d.sizes],
    hidden: oneOf(HIDDEN_ACTIVATIONS, params.get('act'), d.hidden),
    cost: oneOf(COSTS, params.get('cost'), d.cost),
    eta: num(params.get('eta'), d.eta, BOUNDS.eta.min, BOUNDS.eta.max),
    lambda: num(params.get('lambda'), d.lambda, BOUNDS.lambda.min, BOUNDS.lambda.max),
    batch: int(params.get('batch'), d.batch, BOUNDS.batch.min, BOUNDS.batch.max),
    epochs: int(params.get('epochs'), d.epochs, BOUNDS.epochs.min, BOUNDS.epochs.max),
    init: oneOf(INITS, params.get('init'), d.init),
    seed: int(params.get('seed'), d.seed, BOUNDS.seed.min, BOUNDS.seed.max),
    train: int(params.get('train'), d.train, BOUNDS.train.min, BOUNDS.train.max),
    dtype: oneOf(DTYPES, params.get('dtype'), d.dtype),
  };
  const problem = params.get('problem') ?? undefined;
  return { view: oneOf(VIEWS, viewName, 'train'), settings, ...(problem ? { problem } : {}) };
}

/**
 * Writes the view, the settings and (in Experiments) the chosen problem as a
 * hash; parseHash(formatHash(v, s, p)) gives them back.
 */
export function formatHash(view: View, s: Settings, problem?: string): string {
  const params = new URLSearchParams({
    sizes: s.sizes.join('-'),
    act: s.hidden,
    cost: s.cost,
    eta: String(s.eta),
    lambda: String(s.lambda),
    batch: String(s.batch),
    epochs: String(s.epochs),
    init: s.init,
    seed: String(s.seed),
    train: String(s.train),
    dtype: s.dtype,
  });
  if (view === 'experiments' && problem) params.set('problem', problem);
  return `#${view}?${params.toString()}`;
}
