/**
 * `mlisp train --history FILE.csv`: one row per epoch with every figure of the
 * JSON epoch events, rewritten atomically after each epoch (so the file is
 * always complete, and a resumed run's file holds the epochs before the resume too).
 */
import { writeFileAtomic } from './atomic.js';
import type { EpochRecord } from './train-run.js';

/** The columns, in order, as named in the JSON epoch events. */
const COLUMNS = [
  'epoch',
  'batchCost',
  'validationCost',
  'validationAccuracy',
  'testCost',
  'testAccuracy',
  'eta',
  'seconds',
] as const satisfies readonly (keyof EpochRecord)[];

/**
 * The CSV text of `records`: a header, then one row per epoch; a column only
 * when some epoch has that figure; a figure an epoch lacks is left empty.
 * Numbers are written as JavaScript prints them (full precision).
 */
export function historyCsv(records: readonly EpochRecord[]): string {
  const columns = COLUMNS.filter((c) => records.some((r) => r[c] !== undefined));
  const cell = (value: number | undefined) =>
    value === undefined || Number.isNaN(value) ? '' : String(value);
  const rows = records.map((r) => columns.map((c) => cell(r[c])).join(','));
  return `${[columns.join(','), ...rows].join('\n')}\n`;
}

/** Writes the history file atomically. */
export function writeHistory(path: string, records: readonly EpochRecord[]): void {
  writeFileAtomic(path, historyCsv(records));
}
