/**
 * Text layouts of results: digits with their predictions, the ten outputs as
 * bars, and the confusion matrix.
 */
import type { Prediction } from './classify.js';
import { drawDigitCompact, sideBySide } from './draw.js';
import type { Colors } from './output.js';

/** One test digit with what the network said about it. */
export interface Sample extends Prediction {
  /** Position in the test set. */
  index: number;
  /** The true digit. */
  label: number;
  /** 784 grey values. */
  pixels: ArrayLike<number>;
}

/**
 * Test digits drawn side by side (as many per row as fit in `width`), each
 * captioned with its index, true label, prediction and bit code.
 */
export function renderSamples(samples: readonly Sample[], width: number, color: Colors): string[] {
  const cell = 28;
  const gap = 3;
  const perRow = Math.max(1, Math.floor((width + gap) / (cell + gap)));
  const lines: string[] = [];
  for (let start = 0; start < samples.length; start += perRow) {
    const row = samples.slice(start, start + perRow);
    const blocks = row.map((s) => [
      `#${s.index}  label ${s.label}`.padEnd(cell),
      ...drawDigitCompact(s.pixels),
    ]);
    lines.push(...sideBySide(blocks, gap));
    const captions = row.map((s) => {
      const ok = s.prediction === s.label;
      const mark = ok ? color.green('✓') : color.red('✗');
      const text = `answer ${s.prediction} ${mark}  bits ${s.binary}`;
      // The mark is one column wide however it is coloured.
      const width = `answer ${s.prediction} x  bits ${s.binary}`.length;
      return text + ' '.repeat(Math.max(0, cell - width));
    });
    lines.push(captions.join(' '.repeat(gap)).trimEnd(), '');
  }
  return lines;
}

/** The ten outputs as bars, the predicted digit highlighted. */
export function renderOutputs(
  outputs: readonly number[],
  prediction: number,
  color: Colors,
): string[] {
  const barWidth = 30;
  const top = Math.max(1e-12, ...outputs.map((v) => Math.abs(v)));
  return outputs.map((v, d) => {
    const n = Math.round((Math.max(0, v) / top) * barWidth);
    const bar = '█'.repeat(n);
    const line = `  ${d}  ${v.toFixed(4).padStart(7)}  ${bar}`.trimEnd();
    return d === prediction ? color.bold(color.green(line)) : line;
  });
}

/**
 * The confusion matrix: one row per true digit, one column per predicted
 * digit, the diagonal (correct answers) highlighted, per-digit accuracy last.
 */
export function renderConfusion(
  confusion: readonly (readonly number[])[],
  color: Colors,
): string[] {
  const width = Math.max(4, ...confusion.flat().map((n) => String(n).length + 1));
  const digits = confusion.map((_, d) => String(d).padStart(width)).join('');
  const lines = [color.dim('true ↓  predicted →'), `${'    '}${digits}   ${color.dim('correct')}`];
  confusion.forEach((row, actual) => {
    const total = row.reduce((s, n) => s + n, 0);
    const cells = row
      .map((n, p) => {
        const text = String(n).padStart(width);
        if (p === actual) return color.bold(color.green(text));
        return n === 0 ? color.dim(text) : text;
      })
      .join('');
    const rate = total === 0 ? '   -' : `${((100 * (row[actual] ?? 0)) / total).toFixed(1)}%`;
    lines.push(`  ${actual} ${cells}   ${rate.padStart(6)}`);
  });
  return lines;
}
