/**
 * Experiments view: every problem-set experiment of @mlisp/experiments, run
 * in a worker, its series plotted beside its checks. Problem 2 gets a slider
 * for c that morphs σ(c·z) into the perceptron's step.
 */
import { allPassed, type ExperimentResult, experiments, type Series } from '@mlisp/experiments';
import digitsUrl from '@mlisp/mnist/digits.bin?url';
import { xyChart } from '../charts.js';
import { clear, h } from '../dom.js';
import type { AppContext, ViewHandle } from '../view.js';
import type { RunReply, RunRequest } from '../worker/experiments.worker.js';
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

function plotTitle(group: Series[]): string {
  const first = group[0]!;
  const id = first.plot ?? first.name;
  return id.replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase());
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
      group.map((s) => ({ name: s.name, x: s.x, y: s.y })),
    );
  }
  if (result.series.length === 0 && result.problem !== 2) {
    charts.append(h('p', { class: 'muted panel', text: 'This experiment has no series to plot.' }));
  }
}

/** Creates the Experiments view. */
export function createExperimentsView(_ctx: AppContext): ViewHandle {
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
  const select = (id: string) => {
    selected = id;
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
    const request: RunRequest = {
      id,
      quick: quick.checked,
      seed: 1,
      digitsUrl: new URL(digitsUrl, location.href).href,
    };
    worker.postMessage(request);
  };

  worker.addEventListener('message', (event: MessageEvent<RunReply>) => {
    const reply = event.data;
    const k = `${reply.id}:${reply.quick ? 'quick' : 'full'}`;
    if ('error' in reply) {
      if (reply.id === selected) {
        clear(detail);
        detail.append(h('p', { class: 'error-banner', text: `experiment failed: ${reply.error}` }));
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
  });

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
  quick.addEventListener('change', () => {
    if (selected) select(selected);
  });
  const root = h('section', { class: 'layout', 'aria-label': 'Experiments' }, list, detail);
  return {
    root,
    show() {
      if (!selected && experiments[0]) select(experiments[0].id);
    },
  };
}
