/**
 * Digits view: test digits with the network's prediction, confidence and
 * 4-bit code (misclassified first), and the confusion matrix of the test set.
 */
import { confusionMatrix } from '@mlisp/neurons';
import { clear, h, pct } from '../dom.js';
import { grayImage } from '../paint.js';
import { predict } from '../predict.js';
import type { AppContext, ViewHandle } from '../view.js';

/** How many digit cards are drawn. */
const GALLERY = 120;

function confusionTable(counts: number[][]): HTMLTableElement {
  let max = 0;
  for (let i = 0; i < 10; i++)
    for (let j = 0; j < 10; j++) if (i !== j) max = Math.max(max, counts[i]![j]!);
  const table = h('table', { class: 'confusion', 'data-testid': 'confusion' });
  const head = h('tr', {}, h('th', { text: 'true \\ predicted' }));
  for (let j = 0; j < 10; j++) head.append(h('th', { text: String(j) }));
  table.append(head);
  for (let i = 0; i < 10; i++) {
    const row = h('tr', {}, h('th', { text: String(i) }));
    const total = counts[i]!.reduce((a, b) => a + b, 0);
    for (let j = 0; j < 10; j++) {
      const n = counts[i]![j]!;
      const t = i === j ? (total > 0 ? n / total : 0) : max > 0 ? n / max : 0;
      const bg =
        i === j
          ? `rgba(8,119,189,${(0.15 + 0.6 * t).toFixed(2)})`
          : `rgba(245,147,34,${(0.8 * t).toFixed(2)})`;
      row.append(h('td', { style: n > 0 ? `background:${bg}` : '', text: n > 0 ? String(n) : '' }));
    }
    table.append(row);
  }
  return table;
}

/** Creates the Digits view. */
export function createDigitsView(ctx: AppContext): ViewHandle {
  const { store, client } = ctx;
  const summary = h('p', { 'data-testid': 'digits-summary', text: 'loading…' });
  const gallery = h('div', { class: 'digit-gallery', 'data-testid': 'gallery' });
  const confusion = h('div', {});
  const root = h(
    'section',
    { 'aria-label': 'Digits' },
    h(
      'div',
      { class: 'layout', style: 'grid-template-columns: minmax(0,1fr) auto' },
      h(
        'div',
        { class: 'panel' },
        h('h2', { text: 'Test digits, misclassified first' }),
        summary,
        gallery,
      ),
      h('div', { class: 'panel' }, h('h2', { text: 'Confusion matrix (test set)' }), confusion),
    ),
  );
  let visible = false;
  let pending = false;

  const render = () => {
    pending = false;
    const data = client.data();
    const network = store.model;
    if (!data || !network) {
      summary.textContent = data ? 'No network yet.' : 'loading digits…';
      return;
    }
    const test = data.test;
    const p = predict(network, test.images);
    const counts = confusionMatrix(p.digits, test.labels, 10);
    let right = 0;
    let binaryRight = 0;
    const order: number[] = [];
    for (let i = 0; i < test.size; i++) {
      const y = test.labels[i]!;
      if (y === p.digits[i]) right++;
      if (p.codes[i]!.label === y) binaryRight++;
      order.push(i);
    }
    // Misclassified first (most confident mistakes first), then the rest in order.
    order.sort((a, b) => {
      const wa = p.digits[a] !== test.labels[a] ? 1 : 0;
      const wb = p.digits[b] !== test.labels[b] ? 1 : 0;
      if (wa !== wb) return wb - wa;
      return wa === 1 ? p.confidence[b]! - p.confidence[a]! : a - b;
    });
    summary.textContent = `${right} of ${test.size} test digits right (${pct(right / test.size)}); the 4-bit code is right for ${binaryRight} (${pct(binaryRight / test.size)}). ${test.size - right} misclassified.`;
    clear(gallery);
    for (const i of order.slice(0, GALLERY)) {
      const y = test.labels[i]!;
      const d = p.digits[i]!;
      const wrong = y !== d;
      gallery.append(
        h(
          'div',
          { class: wrong ? 'digit-card wrong' : 'digit-card', 'data-wrong': String(wrong) },
          grayImage(test.images.data, 28, 28, 2, i * 784),
          h('div', {}, h('b', { text: String(d) }), ` (${pct(p.confidence[i]!)})`),
          h('div', { class: 'muted', text: wrong ? `true ${y}` : 'right' }),
          h('code', { title: 'stacked binary layer', text: p.codes[i]!.code }),
        ),
      );
    }
    clear(confusion);
    confusion.append(confusionTable(counts));
  };
  const schedule = () => {
    if (!visible || pending) return;
    pending = true;
    setTimeout(render, 0);
  };
  store.on('model', schedule);
  store.on('bytes', schedule);
  return {
    root,
    show() {
      visible = true;
      schedule();
    },
    hide() {
      visible = false;
    },
  };
}
