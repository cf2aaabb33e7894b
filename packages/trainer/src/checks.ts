// The option checks shared by the training functions (options.ts) and the engine (fast/config.ts).
import type { EpochEngineOptions } from './fast/types.js';

/** `value` if a finite number passing `ok`, else a TypeError naming it and what was expected. */
export function checkNumber(
  name: string,
  value: unknown,
  ok: (v: number) => boolean,
  expected: string,
): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) {
    throw new TypeError(`${name} must be ${expected}, got ${String(value)}`);
  }
  return value;
}

export const positiveInteger = (v: number): boolean => Number.isSafeInteger(v) && v >= 1;

/** `value`, or `fallback` when it is undefined; a TypeError unless a boolean. */
export function checkFlag(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw new TypeError(`${name} must be true or false, got ${String(value)}`);
  }
  return value;
}

/** η when it is a positive number, else a TypeError. */
export const checkEta = (eta: unknown): number =>
  checkNumber('eta', eta, (v) => v > 0, 'a positive number');

/** An SGD step's settings, checked (a TypeError names the first bad one), with their defaults. */
export function checkStepSettings(
  options: Pick<
    EpochEngineOptions,
    'eta' | 'lambda' | 'regularization' | 'dropout' | 'momentum' | 'batchSize'
  >,
) {
  const eta = checkEta(options.eta);
  const batchSize = checkNumber(
    'batchSize',
    options.batchSize,
    positiveInteger,
    'a positive integer',
  );
  const lambda = checkNumber('lambda', options.lambda ?? 0, (v) => v >= 0, 'a number >= 0');
  const regularization = options.regularization ?? 'l2';
  if (regularization !== 'l2' && regularization !== 'l1') {
    throw new TypeError(`regularization must be 'l2' or 'l1', got ${String(regularization)}`);
  }
  const unit = (v: number) => v >= 0 && v < 1;
  const dropout = checkNumber('dropout', options.dropout ?? 0, unit, 'a number in [0, 1)');
  const momentum = checkNumber('momentum', options.momentum ?? 0, unit, 'a number in [0, 1)');
  return { eta, lambda, regularization, dropout, momentum, batchSize };
}
