/**
 * Digits view: test digits with the network's prediction, confidence and
 * 4-bit code (misclassified first), and the confusion matrix of the test set.
 * The predictions come from the training worker (computed there a chunk at a
 * time), so the page only draws. A confusion cell filters the gallery; a
 * card opens its digit in Draw.
 */
import { confusionMatrix } from '@mlisp/neurons';
import { clear, h, pct } from '../dom.js';
import { grayImage } from '../paint.js';
import type { TestSet } from '../store.js';
import type { AppContext, ViewHandle } from '../view.js';
import type { TestPredictions } from '../worker/protocol.js';

/** Digit cards shown at first, and added by "Show more". */
const PAGE = 40;
/** Digit images painted per task (each is a new canvas). */
const NEW_CANVASES = 10;

function confusionTable(
  counts: number[][],
  selected: { label: number; predicted: number } | undefined,
  pick: (label: number, predicted: number) => void,
): HTMLTableElement {
  let max = 0;
  for (let i = 0; i < 10; i++)
    for (let j = 0; j < 10; j++) if (i !== j) max = Math.max(max, counts[i]![j]!);
  const table = h('table', { class: 'confusion', 'data-testid': 'confusion' });
  table.append(h('caption', { text: 'rows: true digit; columns: predicted digit' }));
  const head = h('tr', {}, h('th', { scope: 'col', text: 'true \\ predicted' }));
  for (let j = 0; j < 10; j++) head.append(h('th', { scope: 'col', text: String(j) }));
  table.append(head);
  for (let i = 0; i < 10; i++) {
    const row = h('tr', {}, h('th', { scope: 'row', text: String(i) }));
    const total = counts[i]!.reduce((a, b) => a + b, 0);
    for (let j = 0; j < 10; j++) {
      const n = counts[i]![j]!;
      const t = i === j ? (total > 0 ? n / total : 0) : max > 0 ? n / max : 0;
      const bg =
        i === j
          ? `rgba(8,119,189,${(0.1 + 0.35 * t).toFixed(2)})`
          : `rgba(245,147,34,${(0.5 * t).toFixed(2)})`;
      const cell = h('td', { style: n > 0 ? `background:${bg}` : '' });
      if (n > 0) {
        const on = selected?.label === i && selected.predicted === j;
        cell.append(
          h('button', {
            class: on ? 'cell on' : 'cell',
            'data-cell': `${i}-${j}`,
            'aria-pressed': String(on),
            'aria-label': `${n} digits ${i} predicted as ${j}: show them`,
            text: String(n),
            onclick: () => pick(i, j),
          }),
        );
      }
      row.append(cell);
    }
    table.append(row);
  }
  return table;
}

/** Creates the Digits view. */
export function createDigitsView(ctx: AppContext): ViewHandle {
  const { store, client } = ctx;
  const summary = h('p', { 'data-testid': 'digits-summary', 'aria-live': 'polite', text: '' });
  const filterLine = h('p', { class: 'filter-line', hidden: true });
  const gallery = h('div', { class: 'digit-gallery', 'data-testid': 'gallery' });
  const more = h('button', { 'data-testid': 'more-digits', text: 'Show more', hidden: true });
  const confusion = h('div', { class: 'confusion-box' });
  const root = h(
    'section',
    { 'aria-label': 'Digits' },
    h(
      'p',
      { class: 'try' },
      'Try: train for one epoch, then look at the most confident mistakes — many are digits a person would misread too. Click a cell of the matrix to see those digits. ',
      h('a', {
        href: 'http://neuralnetworksanddeeplearning.com/chap1.html#implementing_our_network_to_classify_digits',
        target: '_blank',
        rel: 'noopener',
        text: 'Book, chapter 1',
      }),
    ),
    h(
      'div',
      { class: 'digits-layout' },
      h(
        'div',
        { class: 'panel' },
        h('h2', { text: 'Confusion matrix (test set)' }),
        confusion,
        h('p', {
          class: 'caption',
          text: 'The diagonal holds the right answers; a large off-diagonal cell is a pair of digits the network mixes up.',
        }),
      ),
      h(
        'div',
        { class: 'panel' },
        h('h2', { text: 'Test digits, misclassified first' }),
        summary,
        filterLine,
        gallery,
        more,
      ),
    ),
  );
  let visible = false;
  let shown = PAGE;
  const canvases = new Map<number, HTMLCanvasElement>();
  const imageOf = (test: TestSet, i: number) => {
    let c = canvases.get(i);
    if (!c) {
      c = grayImage(test.images, 28, 28, 2, i * 784);
      c.setAttribute('role', 'img');
      c.setAttribute('aria-label', `test digit ${i}, a ${test.labels[i]}`);
      canvases.set(i, c);
    }
    return c;
  };

  const render = () => {
    const started = performance.now();
    try {
      draw();
    } finally {
      performance.measure('mlisp:digits-render', { start: started });
    }
  };
  const draw = () => {
    const test = store.testSet;
    const p: TestPredictions | undefined = store.predictions;
    if (!test || !p || !store.model) {
      summary.textContent = test ? 'predicting…' : 'loading digits…';
      return;
    }
    const n = test.labels.length;
    const counts = confusionMatrix(p.digits, test.labels, 10);
    let right = 0;
    let binaryRight = 0;
    const filter = store.filter;
    const order: number[] = [];
    for (let i = 0; i < n; i++) {
      const y = test.labels[i]!;
      const d = p.digits[i]!;
      if (y === d) right++;
      if (p.codeLabels[i] === y) binaryRight++;
      if (!filter || (filter.label === y && filter.predicted === d)) order.push(i);
    }
    // Misclassified first (most confident mistakes first), then the rest in order.
    const wrong = (i: number) => (p.digits[i] !== test.labels[i] ? 1 : 0);
    order.sort((a, b) => {
      const wa = wrong(a);
      const wb = wrong(b);
      if (wa !== wb) return wb - wa;
      return wa === 1 ? p.confidence[b]! - p.confidence[a]! : a - b;
    });
    summary.textContent = `${right} of ${n} test digits right (${pct(right / n)}); the 4-bit code is right for ${binaryRight} (${pct(binaryRight / n)}). ${n - right} misclassified.`;
    filterLine.hidden = !filter;
    clear(filterLine);
    if (filter) {
      filterLine.append(
        `Showing the ${order.length} digits ${filter.label} predicted as ${filter.predicted}. `,
        h('button', {
          'data-testid': 'clear-filter',
          text: 'Show all',
          onclick: () => setFilter(undefined),
        }),
      );
    }
    // Painting a digit makes a canvas: at most NEW_CANVASES of them per task,
    // the rest of the gallery follows in the next frames.
    let fresh = 0;
    const missing = order.slice(0, shown).filter((i) => !canvases.has(i));
    if (missing.length > NEW_CANVASES) {
      for (const i of missing.slice(0, NEW_CANVASES)) imageOf(test, i);
      fresh = missing.length - NEW_CANVASES;
    }
    if (fresh > 0) {
      schedule();
      if (gallery.childElementCount > 0) return;
    }
    clear(gallery);
    for (const i of order.slice(0, shown)) {
      if (!canvases.has(i)) continue;
      const y = test.labels[i]!;
      const d = p.digits[i]!;
      const isWrong = y !== d;
      const code = p.codes[i]!.toString(2).padStart(4, '0');
      gallery.append(
        h(
          'button',
          {
            class: isWrong ? 'digit-card wrong' : 'digit-card',
            'data-wrong': String(isWrong),
            'data-index': i,
            title: 'open in Draw',
            onclick: () => store.emit('drawDigit', i),
          },
          imageOf(test, i),
          h('span', {}, h('b', { text: String(d) }), ` (${pct(p.confidence[i]!)})`),
          h('span', { class: 'muted', text: isWrong ? `true ${y}` : 'right' }),
          h('code', { title: 'stacked binary layer', text: code }),
        ),
      );
    }
    more.hidden = order.length <= shown;
    clear(confusion);
    confusion.append(
      confusionTable(counts, filter, (i, j) => setFilter({ label: i, predicted: j })),
    );
  };
  const setFilter = (f: { label: number; predicted: number } | undefined) => {
    store.filter = f;
    shown = PAGE;
    render();
  };
  more.addEventListener('click', () => {
    shown += PAGE;
    render();
  });
  let pending = false;
  const schedule = () => {
    if (!visible || pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      render();
    });
  };
  store.on('predictions', schedule);
  store.on('testSet', schedule);
  store.on('model', (m) => {
    if (!m) schedule();
  });
  return {
    root,
    show() {
      visible = true;
      client.watchPredictions(true);
      schedule();
    },
    hide() {
      visible = false;
      client.watchPredictions(false);
    },
  };
}
