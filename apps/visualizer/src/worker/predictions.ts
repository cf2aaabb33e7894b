/**
 * The test-set predictions the Digits view shows, computed in the training
 * worker a chunk of digits at a time between training slices, on a copy of
 * the network taken when a pass starts (so one pass is one network).
 */
import type { Network } from '@mlisp/neurons';
import { type Matrix, rowView } from '@mlisp/tensor';
import { predict } from '../predict.js';
import { fromSnapshot, toSnapshot } from '../snapshot.js';
import type { TestPredictions } from './protocol.js';

/** Digits predicted per call of {@link PredictionPass.step}. */
const CHUNK = 400;

/** One pass over the test digits with one network. */
export class PredictionPass {
  private readonly network: Network;
  private next = 0;
  readonly result: TestPredictions;

  constructor(
    network: Network,
    private readonly images: Matrix,
  ) {
    this.network = fromSnapshot(toSnapshot(network));
    const n = images.rows;
    this.result = {
      digits: new Int32Array(n),
      confidence: new Float64Array(n),
      codes: new Uint8Array(n),
      codeLabels: new Int8Array(n),
    };
  }

  /** Predicts the next chunk; returns whether the pass is complete. */
  step(): boolean {
    const n = this.images.rows;
    const end = Math.min(n, this.next + CHUNK);
    const p = predict(this.network, rowView(this.images, this.next, end));
    for (let i = 0; i < end - this.next; i++) {
      const r = this.result;
      r.digits[this.next + i] = p.digits[i]!;
      r.confidence[this.next + i] = p.confidence[i]!;
      r.codes[this.next + i] = Number.parseInt(p.codes[i]!.code, 2);
      r.codeLabels[this.next + i] = p.codes[i]!.label ?? -1;
    }
    this.next = end;
    return end === n;
  }
}
