/** Messages between the page and the training worker. */
import type { Settings } from '../settings.js';
import type { NetworkSnapshot } from '../snapshot.js';
import type { EpochRecord, Status } from '../store.js';

/** Page -> worker. */
export type ToWorker =
  /** The bundled digits asset (`digits.bin`); the worker parses its own copy. */
  | { type: 'data'; bytes: ArrayBuffer }
  /** A fresh network and an empty history for these settings. */
  | { type: 'configure'; settings: Settings }
  /** Train (or go on training) until the configured number of epochs. */
  | { type: 'start' }
  /** Stop after the current mini-batch; Start goes on from there. */
  | { type: 'pause' }
  /** Train on exactly one mini-batch. */
  | { type: 'step' }
  /** Replace the network by a loaded model, trained on with these settings. */
  | { type: 'load'; snapshot: NetworkSnapshot; settings: Settings };

/** Worker -> page. */
export type FromWorker =
  | { type: 'ready'; trainSize: number; testSize: number }
  | { type: 'status'; status: Status }
  | { type: 'epoch'; record: EpochRecord }
  | { type: 'reset' }
  | { type: 'progress'; epoch: number; batch: number; batches: number }
  /** Mean mini-batch cost over a time slice, at a fractional epoch. */
  | { type: 'batch-cost'; at: number; cost: number }
  | { type: 'model'; snapshot: NetworkSnapshot }
  | { type: 'error'; message: string };
