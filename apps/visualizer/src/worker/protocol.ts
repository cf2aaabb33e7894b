/** Messages between the page and the training worker. */
import type { Settings } from '../settings.js';
import type { NetworkSnapshot } from '../snapshot.js';
import type { EpochRecord, Status } from '../store.js';

/** The network's answers on the test digits (see worker/predictions.ts). */
export interface TestPredictions {
  /** argmax digit per test digit. */
  digits: Int32Array;
  /** The predicted digit's output over the sum of the outputs. */
  confidence: Float64Array;
  /** The 4-bit code of the stacked binary layer (MSB = bit 3). */
  codes: Uint8Array;
  /** The digit that code names, or -1. */
  codeLabels: Int8Array;
}

/** Page -> worker. */
export type ToWorker =
  /** The bundled digits asset (`digits.bin`); the worker parses its own copy. */
  | { type: 'data'; bytes: ArrayBuffer }
  /** A fresh network and an empty history for these settings. */
  | { type: 'configure'; settings: Settings }
  /**
   * New η, λ, mini-batch size or epochs for the current run: they apply from
   * its next mini-batch (a mini-batch size that does not divide the samples
   * done so far in the epoch, from the next epoch).
   */
  | { type: 'update'; settings: Settings }
  /** Train (or go on training) until the configured number of epochs. */
  | { type: 'start' }
  /** Stop after the current mini-batch; Start goes on from there. */
  | { type: 'pause' }
  /** Train on exactly one mini-batch. */
  | { type: 'step' }
  /** Whether the page shows the test predictions (the worker computes them only then). */
  | { type: 'watch-predictions'; on: boolean }
  /** Replace the network by a loaded model, trained on with these settings. */
  | { type: 'load'; snapshot: NetworkSnapshot; settings: Settings };

/** Worker -> page. */
export type FromWorker =
  | { type: 'ready'; trainSize: number; testSize: number }
  /** The test digits (pixels in [0, 1], 784 a row) and labels, for the Digits view. */
  | { type: 'test-set'; images: Float32Array; labels: Uint8Array }
  | { type: 'status'; status: Status }
  | { type: 'epoch'; record: EpochRecord }
  | { type: 'reset' }
  | { type: 'progress'; epoch: number; batch: number; batches: number }
  /** Mean mini-batch costs of a time slice, at fractional epochs. */
  | { type: 'batch-cost'; at: number[]; cost: number[] }
  /** The settings the run trains with now (after an update). */
  | { type: 'applied'; settings: Settings; pendingBatch: number | null }
  | { type: 'model'; snapshot: NetworkSnapshot }
  | { type: 'predictions'; predictions: TestPredictions }
  | { type: 'error'; message: string };
