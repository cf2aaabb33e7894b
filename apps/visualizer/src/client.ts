/**
 * The page's side of the training worker: loads the digits, forwards the
 * buttons, and turns the worker's messages into store updates.
 */
import digitsUrl from '@mlisp/mnist/digits.bin?url';
import type { Settings } from './settings.js';
import type { NetworkSnapshot } from './snapshot.js';
import { fromSnapshot } from './snapshot.js';
import type { Store } from './store.js';
import type { FromWorker, ToWorker } from './worker/protocol.js';

/** The digits asset's size, for the progress bar when the server sends no Content-Length. */
const DIGITS_BYTES = 7_850_000;

/** Drives the training worker and keeps the store in step with it. */
export class TrainerClient {
  private readonly worker: Worker;
  /** Progress of the current epoch, for the progress bar. */
  progress = { epoch: 0, batch: 0, batches: 0 };
  onProgress: (() => void) | undefined;
  /** Where the worker's network came from: a fresh seed, or a model file's name. */
  private source = 'new network';
  /** The digits asset once it has arrived (the Experiments worker gets a copy). */
  private readonly bytes: Promise<ArrayBuffer>;
  private resolveBytes!: (bytes: ArrayBuffer) => void;
  /** Whether the page has asked for test predictions (the Digits view is open). */
  private watching = false;

  constructor(private readonly store: Store) {
    this.bytes = new Promise((ok) => {
      this.resolveBytes = ok;
    });
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

  /** The digits asset (`digits.bin`), downloaded once for the whole page. */
  digits(): Promise<ArrayBuffer> {
    return this.bytes;
  }

  /** Downloads the digits asset (reporting progress) and hands a copy to the worker. */
  async load(): Promise<void> {
    try {
      const response = await fetch(digitsUrl);
      if (!response.ok) throw new Error(`HTTP ${response.status} for ${digitsUrl}`);
      const total = Number(response.headers.get('content-length')) || DIGITS_BYTES;
      const chunks: Uint8Array[] = [];
      let loaded = 0;
      const reader = response.body!.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        loaded += value.byteLength;
        this.store.emit('download', { loaded, total: Math.max(total, loaded) });
      }
      const all = new Uint8Array(loaded);
      let at = 0;
      for (const c of chunks) {
        all.set(c, at);
        at += c.byteLength;
      }
      this.resolveBytes(all.buffer);
      this.post({ type: 'data', bytes: all.buffer.slice(0) });
      this.configure();
      this.store.emit('bytes', loaded);
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

  /** New η, λ, mini-batch size or epochs for the run under way (from its next mini-batch). */
  update(settings: Settings): void {
    this.post({ type: 'update', settings });
  }

  /** Whether the worker should keep test predictions coming (while Digits is open). */
  watchPredictions(on: boolean): void {
    if (on === this.watching) return;
    this.watching = on;
    this.post({ type: 'watch-predictions', on });
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
        store.batchCost.at.push(...message.at);
        store.batchCost.cost.push(...message.cost);
        store.emit('batchCost', store.batchCost);
        break;
      case 'test-set':
        store.testSet = { images: message.images, labels: message.labels };
        store.emit('testSet', store.testSet);
        break;
      case 'predictions':
        store.predictions = message.predictions;
        store.emit('predictions', message.predictions);
        break;
      case 'applied':
        store.pendingBatch = message.pendingBatch;
        store.emit('applied', message.settings);
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
