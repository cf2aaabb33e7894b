/**
 * The page's side of the training worker: loads the digits, forwards the
 * buttons, and turns the worker's messages into store updates.
 */
import { type MnistSplit, parseBundled } from '@mlisp/mnist';
import digitsUrl from '@mlisp/mnist/digits.bin?url';
import type { NetworkSnapshot } from './snapshot.js';
import { fromSnapshot } from './snapshot.js';
import type { Store } from './store.js';
import type { FromWorker, ToWorker } from './worker/protocol.js';

/** Drives the training worker and keeps the store in step with it. */
export class TrainerClient {
  private readonly worker: Worker;
  /** Progress of the current epoch, for the progress bar. */
  progress = { epoch: 0, batch: 0, batches: 0 };
  onProgress: (() => void) | undefined;
  /** Where the worker's network came from: a fresh seed, or a model file's name. */
  private source = 'new network';
  /** The digits asset, until {@link data} parses it. */
  private bytes: ArrayBuffer | undefined;

  constructor(private readonly store: Store) {
    this.worker = new Worker(new URL('./worker/train.worker.ts', import.meta.url), {
      type: 'module',
      name: 'mlisp-trainer',
    });
    this.worker.addEventListener('message', (event: MessageEvent<FromWorker>) =>
      this.receive(event.data),
    );
    this.worker.addEventListener('error', (event) => {
      store.setStatus('error');
      store.setError(`training worker failed: ${event.message}`);
    });
  }

  /**
   * The digits for the page (the Digits view), parsed on first use so that
   * the first paint and the worker's own parse do not wait for it; undefined
   * until the asset has arrived.
   */
  data(): MnistSplit | undefined {
    if (!this.store.data && this.bytes) {
      this.store.data = parseBundled(new Uint8Array(this.bytes));
      this.bytes = undefined;
    }
    return this.store.data;
  }

  /** Fetches the digits asset and hands a copy to the worker. */
  async load(): Promise<void> {
    try {
      const response = await fetch(digitsUrl);
      if (!response.ok) throw new Error(`HTTP ${response.status} for ${digitsUrl}`);
      const bytes = await response.arrayBuffer();
      this.bytes = bytes;
      this.post({ type: 'data', bytes: bytes.slice(0) });
      this.configure();
      this.store.emit('bytes', bytes.byteLength);
    } catch (error) {
      this.store.setStatus('error');
      this.store.setError(`could not load the bundled digits: ${(error as Error).message}`);
    }
  }

  /** A fresh network for the store's settings (Reset). */
  configure(): void {
    this.source = `new network, seed ${this.store.settings.seed}`;
    this.post({ type: 'configure', settings: this.store.settings });
  }

  start(): void {
    this.post({ type: 'start' });
  }

  pause(): void {
    this.post({ type: 'pause' });
  }

  step(): void {
    this.post({ type: 'step' });
  }

  /** Continues from a loaded model (`name`: the file it came from). */
  loadModel(snapshot: NetworkSnapshot, name: string): void {
    this.source = name;
    this.post({ type: 'load', snapshot, settings: this.store.settings });
  }

  private post(message: ToWorker): void {
    this.worker.postMessage(message);
  }

  private receive(message: FromWorker): void {
    const store = this.store;
    switch (message.type) {
      case 'ready':
        break;
      case 'status':
        store.setStatus(message.status);
        if (message.status === 'idle' && !performance.getEntriesByName('mlisp:usable').length) {
          performance.mark('mlisp:usable');
          document.documentElement.dataset.usable = 'true';
        }
        break;
      case 'reset':
        store.history = [];
        store.batchCost = { at: [], cost: [] };
        store.emit('batchCost', store.batchCost);
        this.progress = { epoch: 0, batch: 0, batches: 0 };
        store.emit('history', store.history);
        break;
      case 'epoch':
        store.history.push(message.record);
        store.emit('history', store.history);
        break;
      case 'progress':
        this.progress = { epoch: message.epoch, batch: message.batch, batches: message.batches };
        this.onProgress?.();
        break;
      case 'batch-cost':
        store.batchCost.at.push(message.at);
        store.batchCost.cost.push(message.cost);
        store.emit('batchCost', store.batchCost);
        break;
      case 'model':
        store.setModel(fromSnapshot(message.snapshot), this.source);
        break;
      case 'error':
        store.setStatus('error');
        store.setError(message.message);
        break;
    }
  }
}
