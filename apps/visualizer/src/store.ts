/** The app's shared state and a tiny event bus between the views. */
import type { Network } from '@mlisp/neurons';
import { DEFAULT_SETTINGS, type Settings, type View } from './settings.js';
import type { TestPredictions } from './worker/protocol.js';

/** The test digits as the page keeps them: pixels in [0, 1], 784 a row, and labels. */
export interface TestSet {
  images: Float32Array;
  labels: Uint8Array;
}

/** What the trainer reports after each epoch (and after a Step). */
export interface EpochRecord {
  /** Epochs completed (fractional after single mini-batch steps). */
  epoch: number;
  trainCost: number;
  trainAccuracy: number;
  testCost: number;
  testAccuracy: number;
  /** ‖δ^l‖ per layer l = 1..L (learning speed of each layer). */
  speeds: number[];
  /** The learning rate used in that epoch. */
  eta: number;
}

/** The state of the training worker. */
export type Status = 'loading' | 'idle' | 'running' | 'paused' | 'done' | 'error';

/** Events the store emits. */
export interface StoreEvents {
  settings: Settings;
  view: View;
  status: Status;
  history: EpochRecord[];
  batchCost: { at: number[]; cost: number[] };
  model: Network | undefined;
  /** The digits asset has arrived (its size in bytes). */
  bytes: number;
  /** Bytes of the digits asset downloaded so far. */
  download: { loaded: number; total: number };
  testSet: TestSet;
  predictions: TestPredictions;
  /** The run took new live settings (η, λ, mini-batch, epochs). */
  applied: Settings;
  /** The gallery should show only digits of this true label predicted as this digit. */
  filter: { label: number; predicted: number } | undefined;
  /** Open this test digit in the Draw view. */
  drawDigit: number;
  /** The experiment chosen in Experiments (in the URL). */
  problem: string | undefined;
  error: string;
}

type Listener<T> = (value: T) => void;

/** Shared state; views subscribe with {@link Store.on}. */
export class Store {
  settings: Settings = { ...DEFAULT_SETTINGS, sizes: [...DEFAULT_SETTINGS.sizes] };
  view: View = 'train';
  status: Status = 'loading';
  history: EpochRecord[] = [];
  /** Mean mini-batch cost (before each update) at fractional epochs, for the live chart. */
  batchCost: { at: number[]; cost: number[] } = { at: [], cost: [] };
  /** The network being trained, or the one loaded from a model file. */
  model: Network | undefined;
  /** Where the model came from, for display. */
  modelSource = '';
  /** The test digits, from the worker. */
  testSet: TestSet | undefined;
  /** The latest predictions on the test digits (while the Digits view is open). */
  predictions: TestPredictions | undefined;
  /** A mini-batch size that waits for the next epoch, or null. */
  pendingBatch: number | null = null;
  /** The problem open in Experiments (in the URL). */
  problem: string | undefined;
  /** The Digits gallery shows only this cell of the confusion matrix, when set. */
  filter: { label: number; predicted: number } | undefined;
  private readonly listeners = new Map<keyof StoreEvents, Set<Listener<never>>>();

  /** Subscribes to an event; returns the function that unsubscribes. */
  on<K extends keyof StoreEvents>(event: K, fn: Listener<StoreEvents[K]>): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(fn as Listener<never>);
    return () => set.delete(fn as Listener<never>);
  }

  /** Calls every listener of an event. */
  emit<K extends keyof StoreEvents>(event: K, value: StoreEvents[K]): void {
    for (const fn of this.listeners.get(event) ?? []) (fn as Listener<StoreEvents[K]>)(value);
  }

  setStatus(status: Status): void {
    this.status = status;
    this.emit('status', status);
  }

  setModel(model: Network | undefined, source: string): void {
    this.model = model;
    this.modelSource = source;
    this.emit('model', model);
  }

  setError(message: string): void {
    this.emit('error', message);
  }
}
