import type { Cost } from '@mlisp/costs';
import type { FloatArray, Matrix } from '@mlisp/tensor';

// Scoring of output activations, shared by every engine path: the cost is the @mlisp/costs one
// (so 0·ln 0 and ln 0 are treated as everywhere else); 'correct' as in the trainer's evaluate().

/** Running sums of an evaluation. */
export interface EvaluationTotals {
  /** Σ_x C_x (no L2 term). */
  costSum: number;
  /** Samples whose predicted class is their label. */
  correct: number;
}

/** Class of n values at `at`: the index of the largest (first of equals); for n = 1, 1 if > 0.5. */
function classOf(values: FloatArray, at: number, n: number): number {
  if (n === 1) return (values[at] as number) > 0.5 ? 1 : 0;
  let best = 0;
  let bestValue = values[at] as number;
  for (let j = 1; j < n; j++) {
    const v = values[at + j] as number;
    if (v > bestValue) {
      bestValue = v;
      best = j;
    }
  }
  return best;
}

/**
 * Adds the cost and the correct classifications of samples `start..start+rows` to `totals`.
 * @param cost - the cost
 * @param outputs - the samples' output activations, rows x targets.cols from index 0
 * @param targets - the whole set's targets
 * @param labels - the whole set's classes, or undefined for the class of each target row
 * @param start - the first sample
 * @param rows - how many samples
 * @param totals - receives the sums (added to)
 */
export function scoreRows(
  cost: Cost,
  outputs: FloatArray,
  targets: Matrix,
  labels: ArrayLike<number> | undefined,
  start: number,
  rows: number,
  totals: EvaluationTotals,
): void {
  const n = targets.cols;
  const y = targets.data.subarray(start * n, (start + rows) * n);
  const a = outputs.length === rows * n ? outputs : outputs.subarray(0, rows * n);
  totals.costSum += cost.sum({ rows, cols: n, data: a }, { rows, cols: n, data: y });
  let correct = 0;
  for (let i = 0; i < rows; i++) {
    const label = labels === undefined ? classOf(y, i * n, n) : labels[start + i];
    if (classOf(a, i * n, n) === label) correct++;
  }
  totals.correct += correct;
}
