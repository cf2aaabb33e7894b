/**
 * Experiments view: every problem-set experiment of @mlisp/experiments, run
 * in a worker, its series plotted beside its checks. Problem 2 gets a slider
 * for c that morphs σ(c·z) into the perceptron's step.
 */
// Types only: the experiments' code (and the trainer it runs) stays in the worker.
import type { ExperimentResult, Series } from '@mlisp/experiments';
import { type Curve, xyChart } from '../charts.js';
import { clear, h } from '../dom.js';
import type { AppContext, ViewHandle } from '../view.js';
import type { ExperimentInfo, RunReply, RunRequest } from '../worker/experiments.worker.js';

/** Whether every check of a result passed. */
const allPassed = (result: ExperimentResult) => result.checks.every((c) => c.pass);

import { sigmoidSlider } from './sigmoid-slider.js';

function checksTable(result: ExperimentResult): HTMLTableElement {
  const table = h(
    'table',
    { class: 'checks', 'data-testid': 'checks' },
    h(
      'tr',
      {},
      h('th', { text: 'check' }),
      h('th', { text: 'expected' }),
      h('th', { text: 'observed' }),
      h('th'),
    ),
  );
  for (const c of result.checks) {
    table.append(
      h(
        'tr',
        {},
        h('td', { text: c.name }),
        h('td', { text: String(c.expected) }),
        h('td', { text: String(c.observed) }),
        h('td', { class: c.pass ? 'pass' : 'fail', text: c.pass ? '✓ pass' : '✗ fail' }),
      ),
    );
  }
  return table;
}

/** Groups series by their `plot` id, in order of first appearance. */
function plots(series: readonly Series[]): Series[][] {
  const groups = new Map<string, Series[]>();
  for (const s of series) {
    const key = s.plot ?? s.name;
    const list = groups.get(key) ?? [];
    list.push(s);
    groups.set(key, list);
  }
  return [...groups.values()];
}

/** A series with the plot hints @mlisp/experiments may give (title in words, how to draw). */
type Hinted = Series & { readonly plotTitle?: string; readonly mark?: Curve['mark'] };

function plotTitle(group: Series[]): string {
  const first = group[0] as Hinted;
  if (first.plotTitle) return first.plotTitle;
  const id = first.plot ?? first.name;
  return id.replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

/** Book sections behind each problem, for the "what to try" line. */
const BOOK: Record<number, [string, string]> = {
  1: ['chap1.html#perceptrons', 'chapter 1: perceptrons'],
  2: ['chap1.html#sigmoid_neurons', 'chapter 1: sigmoid neurons'],
  3: ['chap1.html#a_simple_network_to_classify_handwritten_digits', 'chapter 1: the output layer'],
  4: ['chap1.html#learning_with_gradient_descent', 'chapter 1: gradient descent'],
  5: [
    'chap2.html#the_four_fundamental_equations_behind_backpropagation',
    'chapter 2: the four equations',
  ],
  6: ['chap3.html#the_cross-entropy_cost_function', 'chapter 3: cross-entropy'],
  7: ['chap3.html#the_cross-entropy_cost_function', 'chapter 3: learning slowdown'],
  8: ['chap5.html#the_vanishing_gradient_problem', 'chapter 5: unstable gradients'],
  10: ['chap3.html#other_techniques_for_regularization', 'chapter 3'],
};

function tryLine(problem: number): HTMLElement {
  const book = BOOK[problem];
  return h(
    'p',
    { class: 'try' },
    'Try: read the claim, then check that each observed value follows from the plot; tick "quick run" for a faster, smaller version. ',
    book
      ? h('a', {
          href: `http://neuralnetworksanddeeplearning.com/${book[0]}`,
          target: '_blank',
          rel: 'noopener',
          text: `Book, ${book[1]}`,
        })
      : null,
  );
}

function renderResult(box: HTMLElement, result: ExperimentResult, seconds: number): void {
  clear(box);
  const passed = result.checks.filter((c) => c.pass).length;
  const all = allPassed(result);
  const charts = h('div', { 'data-testid': 'experiment-plots' });
  box.append(
    h(
      'div',
      { class: 'experiment', 'data-experiment': result.id },
      h(
        'div',
        { class: 'panel' },
        h('h3', { text: `Problem ${result.problem}: ${result.title}` }),
        h('p', { class: 'claim', text: result.claim }),
        tryLine(result.problem),
        h(
          'p',
          {},
          h('span', {
            class: `badge ${all ? 'pass' : 'fail'}`,
            'data-testid': 'verdict',
            text: `${passed} of ${result.checks.length} checks pass`,
          }),
          h('span', { class: 'muted', text: `  ran in ${seconds.toFixed(2)} s` }),
        ),
        checksTable(result),
      ),
      charts,
    ),
  );
  if (result.problem === 2) charts.append(sigmoidSlider());
  for (const group of plots(result.series)) {
    const first = group[0]!;
    xyChart(
      charts,
      {
        title: plotTitle(group),
        xLabel: first.xLabel ?? 'x',
        yLabel: first.yLabel ?? 'y',
        logX: first.xScale === 'log',
        logY: first.yScale === 'log',
      },
      group.map((s) => ({ name: s.name, x: s.x, y: s.y, mark: (s as Hinted).mark })),
    );
  }
  if (result.series.length === 0 && result.problem !== 2) {
    charts.append(h('p', { class: 'muted panel', text: 'This experiment has no series to plot.' }));
  }
}

/** Creates the Experiments view. */
export function createExperimentsView(ctx: AppContext): ViewHandle {
  const { store, client } = ctx;
  const worker = new Worker(new URL('../worker/experiments.worker.ts', import.meta.url), {
    type: 'module',
    name: 'mlisp-experiments',
  });
  const list = h(
    'nav',
    { class: 'panel', 'aria-label': 'experiments' },
    h('h2', { text: 'Problems' }),
  );
  const detail = h('div', { 'data-testid': 'experiment-detail' });
  const quick = h('input', { type: 'checkbox', 'data-testid': 'quick' });
  list.append(
    h(
      'label',
      { class: 'muted', style: 'display:block;margin-bottom:8px' },
      quick,
      ' quick run (smaller sizes)',
    ),
  );
  const cache = new Map<string, { result: ExperimentResult; seconds: number }>();
  const badges = new Map<string, HTMLElement>();
  let selected: string | undefined;

  const key = (id: string) => `${id}:${quick.checked ? 'quick' : 'full'}`;
  let sentDigits = false;
  const select = (id: string) => {
    selected = id;
    if (store.problem !== id) {
      store.problem = id;
      store.emit('problem', id);
    }
    for (const b of list.querySelectorAll('button[data-experiment]')) {
      b.classList.toggle('primary', (b as HTMLElement).dataset.experiment === id);
    }
    const cached = cache.get(key(id));
    if (cached) {
      renderResult(detail, cached.result, cached.seconds);
      return;
    }
    clear(detail);
    detail.append(h('p', { class: 'panel', 'data-testid': 'running', text: 'running…' }));
    const request: RunRequest = { id, quick: quick.checked, seed: 1 };
    if (sentDigits) {
      worker.postMessage(request);
      return;
    }
    // The digits the page already downloaded (never a second download).
    sentDigits = true;
    void client.digits().then((bytes) => {
      const copy = bytes.slice(0);
      worker.postMessage({ ...request, digits: copy } satisfies RunRequest, [copy]);
    });
  };

  let experiments: ExperimentInfo[] = [];
  worker.addEventListener(
    'message',
    (event: MessageEvent<RunReply | { list: ExperimentInfo[] }>) => {
      if ('list' in event.data) {
        experiments = event.data.list;
        fillList();
        if (visible) choose();
        return;
      }
      const reply = event.data;
      const k = `${reply.id}:${reply.quick ? 'quick' : 'full'}`;
      if ('error' in reply) {
        if (reply.id === selected) {
          clear(detail);
          detail.append(
            h('p', { class: 'error-banner', text: `experiment failed: ${reply.error}` }),
          );
        }
        return;
      }
      cache.set(k, { result: reply.result, seconds: reply.seconds });
      const badge = badges.get(reply.id);
      if (badge) {
        const ok = allPassed(reply.result);
        badge.className = `badge ${ok ? 'pass' : 'fail'}`;
        badge.textContent = ok ? '✓' : '✗';
      }
      if (reply.id === selected && k === key(reply.id))
        renderResult(detail, reply.result, reply.seconds);
    },
  );

  const fillList = () => {
    for (const e of experiments) {
      const badge = h('span', { class: 'badge', text: '·' });
      badges.set(e.id, badge);
      list.append(
        h(
          'button',
          {
            'data-experiment': e.id,
            style:
              'display:flex;gap:8px;width:100%;text-align:left;margin-bottom:4px;align-items:center',
            onclick: () => select(e.id),
          },
          h('b', { text: `P${e.problem}` }),
          h('span', { style: 'flex:1', text: e.title }),
          badge,
        ),
      );
    }
  };
  store.on('problem', (id) => {
    if (id && id !== selected && experiments.some((e) => e.id === id)) select(id);
  });
  quick.addEventListener('change', () => {
    if (selected) select(selected);
  });
  let visible = false;
  /** Opens the problem named in the URL, else the first. */
  const choose = () => {
    const wanted = experiments.find((e) => e.id === store.problem) ?? experiments[0];
    if (wanted && selected !== wanted.id) select(wanted.id);
  };
  const root = h('section', { class: 'layout', 'aria-label': 'Experiments' }, list, detail);
  return {
    root,
    show() {
      visible = true;
      choose();
    },
    hide() {
      visible = false;
    },
  };
}
