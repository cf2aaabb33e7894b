/** Output activations as bars, shared by the Draw view. */
import { clear, fmt, h } from '../dom.js';

/** Renders ten output activations as labelled bars, the largest highlighted. */
export function renderBars(box: HTMLElement, outputs: ArrayLike<number>, top: number): void {
  clear(box);
  let max = 0;
  for (let j = 0; j < outputs.length; j++) max = Math.max(max, outputs[j]!);
  const scale = Math.max(max, 1);
  for (let j = 0; j < outputs.length; j++) {
    const v = outputs[j]!;
    const width = `${(100 * Math.max(0, v)) / scale}%`;
    box.append(
      h('b', { text: String(j) }),
      h('div', { class: j === top ? 'bar top' : 'bar' }, h('i', { style: `width:${width}` })),
      h('span', { 'data-output': j, text: fmt(v, 3) }),
    );
  }
}
