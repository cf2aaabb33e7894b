/**
 * Train view: the settings (layer sizes, activation, cost, η, λ, mini-batch,
 * epochs, initialiser, seed), Start / Pause / Step / Reset, and live charts
 * of cost, accuracy, per-layer learning speed ‖δ^l‖ and η per epoch.
 */
import { type LineChart, lineChart, PALETTE } from '../charts.js';
import { field, fmt, h, input, pct, select } from '../dom.js';
import {
  BOUNDS,
  COSTS,
  DTYPES,
  HIDDEN_ACTIVATIONS,
  INITS,
  invalidReason,
  LIVE_SETTINGS,
  type NumericSetting,
  parseSizes,
  type Settings,
} from '../settings.js';
import type { EpochRecord, Status } from '../store.js';
import type { AppContext, ViewHandle } from '../view.js';

const BLUE = '#0877bd';
const ORANGE = '#f59322';

/** Creates the Train view. */
export function createTrainView(ctx: AppContext): ViewHandle {
  const { store, client } = ctx;
  const root = h('section', { class: 'layout', 'aria-label': 'Train' });

  /** Whether there is a trained network that a reset would throw away. */
  const trained = () =>
    store.history.length > 0 || client.progress.batch > 0 || !store.modelSource.startsWith('new');
  /** Puts the inputs back to the store's settings (after a refused change). */
  const revert = () => syncInputs(store.settings, true);
  const change = (patch: Partial<Settings>) => {
    const live = Object.keys(patch).every((k) => (LIVE_SETTINGS as readonly string[]).includes(k));
    if (live && store.status !== 'idle' && store.status !== 'loading') {
      // η, λ, mini-batch size and epochs change the run under way from its next mini-batch.
      store.settings = { ...store.settings, ...patch };
      store.emit('settings', store.settings);
      client.update(store.settings);
      return;
    }
    if (
      !live &&
      trained() &&
      !window.confirm('Changing this setting starts a new network: discard the trained one?')
    ) {
      revert();
      return;
    }
    store.settings = { ...store.settings, ...patch };
    store.emit('settings', store.settings);
    if (live) client.update(store.settings);
    else client.configure();
  };
  const numberInput = (name: NumericSetting, attrs: Record<string, string | number>) => {
    const el = input(
      name,
      String(store.settings[name]),
      (v) => {
        const n = v.trim() === '' ? Number.NaN : Number(v);
        const reason = invalidReason(name, n);
        el.setCustomValidity(reason ?? '');
        el.title = reason ?? '';
        if (reason) el.reportValidity();
        else change({ [name]: n } as Partial<Settings>);
      },
      { type: 'number', min: BOUNDS[name].min, max: BOUNDS[name].max, ...attrs },
    );
    return el;
  };

  const sizes = input('sizes', store.settings.sizes.join('-'), (v) => {
    const parsed = parseSizes(v);
    sizes.setCustomValidity(parsed ? '' : 'layer sizes such as 784-30-10 (784 first, 10 last)');
    sizes.reportValidity();
    if (parsed) change({ sizes: parsed });
  });

  const startButton = h('button', { class: 'primary', 'data-testid': 'start', text: 'Start' });
  const stepButton = h('button', { 'data-testid': 'step', text: 'Step' });
  const resetButton = h('button', { 'data-testid': 'reset', text: 'Reset' });
  startButton.addEventListener('click', () => {
    if (store.status === 'running') client.pause();
    else client.start();
  });
  stepButton.addEventListener('click', () => client.step());
  resetButton.addEventListener('click', () => {
    if (trained() && !window.confirm('Reset: discard the trained network and start a new one?')) {
      return;
    }
    client.configure();
  });
  const moreEpochs = h('input', {
    type: 'number',
    min: 1,
    max: 1000,
    step: 1,
    value: '10',
    'aria-label': 'epochs to add',
    'data-testid': 'more-epochs',
    class: 'more-epochs',
  });
  const continueButton = h('button', {
    'data-testid': 'continue',
    text: 'Continue +',
    hidden: true,
  });
  continueButton.addEventListener('click', () => {
    const n = Math.round(Number(moreEpochs.value));
    if (!Number.isFinite(n) || n < 1) return;
    const epochs = Math.min(BOUNDS.epochs.max, store.settings.epochs + n);
    store.settings = { ...store.settings, epochs };
    store.emit('settings', store.settings);
    client.update(store.settings);
    client.start();
  });
  const continueBox = h(
    'div',
    { class: 'controls continue', hidden: true },
    continueButton,
    moreEpochs,
    h('span', { class: 'muted', text: 'epochs' }),
  );

  const statusLine = h('p', {
    class: 'muted',
    'data-testid': 'status',
    role: 'status',
    'aria-live': 'polite',
    text: 'loading digits…',
  });
  const progress = h('progress', {
    max: 1,
    value: 0,
    style: 'width:100%',
    'data-testid': 'progress',
    'aria-label': 'progress',
  });
  store.on('download', ({ loaded, total }) => {
    progress.max = total;
    progress.value = loaded;
    progress.setAttribute('aria-label', 'digits downloaded');
    statusLine.textContent = `loading digits… ${(loaded / 1e6).toFixed(1)} of ${(total / 1e6).toFixed(1)} MB`;
  });
  const help = (text: string) => h('small', { class: 'help', text });

  const settingsPanel = h(
    'aside',
    { class: 'panel' },
    h('h2', { text: 'Network' }),
    field('Layer sizes', sizes),
    help('neurons per layer, inputs first; 784-100-10 learns more, slower'),
    field(
      'Hidden σ',
      select('act', HIDDEN_ACTIVATIONS, store.settings.hidden, (v) =>
        change({ hidden: v as Settings['hidden'] }),
      ),
    ),
    help("the hidden layers' activation"),
    field(
      'Cost',
      select('cost', COSTS, store.settings.cost, (v) => change({ cost: v as Settings['cost'] })),
    ),
    help('log-likelihood pairs with a softmax output layer; the others with sigmoid'),
    field(
      'Init',
      select('init', INITS, store.settings.init, (v) => change({ init: v as Settings['init'] })),
    ),
    help("scaled: N(0, 1/n_in), the book's improved start"),
    field('Seed', numberInput('seed', { step: 1 })),
    field(
      'Precision',
      select('dtype', DTYPES, store.settings.dtype, (v) =>
        change({ dtype: v as Settings['dtype'] }),
      ),
    ),
    h('h2', { text: 'Training', style: 'margin-top:14px' }),
    field('η (eta)', numberInput('eta', { step: 'any' })),
    help('learning rate; changes apply from the next mini-batch'),
    field('λ (lambda)', numberInput('lambda', { step: 'any' })),
    help("L2 regularisation: larger keeps weights small (the CLI's default 5)"),
    field('Mini-batch', numberInput('batch', { step: 1 })),
    help('samples per gradient step'),
    field('Epochs', numberInput('epochs', { step: 1 })),
    field('Train digits', numberInput('train', { step: 1 })),
    help('how many of the 7996 training digits; fewer trains faster'),
    h('div', { class: 'controls' }, startButton, stepButton, resetButton),
    continueBox,
    progress,
    statusLine,
  );

  const stat = (label: string, testid: string) => {
    const value = h('b', { 'data-testid': testid, text: '–' });
    return { el: h('div', { class: 'stat' }, value, h('span', { text: label })), value };
  };
  const epochStat = stat('epoch', 'stat-epoch');
  const testAccStat = stat('test accuracy', 'stat-test-accuracy');
  const trainAccStat = stat('training accuracy', 'stat-train-accuracy');
  const testCostStat = stat('test cost', 'stat-test-cost');
  const chartsBox = h('div', { class: 'charts' });
  const main = h(
    'div',
    {},
    h(
      'p',
      { class: 'try' },
      'Try: train once with λ = 0 and once with λ = 5 and compare the gap between training and test accuracy; or raise η to 3 while it runs and watch the mini-batch cost. ',
      h('a', {
        href: 'http://neuralnetworksanddeeplearning.com/chap3.html#regularization',
        target: '_blank',
        rel: 'noopener',
        text: 'Book, chapter 3: regularization',
      }),
    ),
    h(
      'div',
      { class: 'stats', 'aria-live': 'polite' },
      epochStat.el,
      testAccStat.el,
      trainAccStat.el,
      testCostStat.el,
    ),
    chartsBox,
  );
  root.append(settingsPanel, main);

  let charts:
    | { live: LineChart; cost: LineChart; acc: LineChart; speed: LineChart; eta: LineChart }
    | undefined;
  let layersCharted = 0;
  const buildCharts = () => {
    const layers = store.settings.sizes.length - 1;
    if (charts && layersCharted === layers) return;
    if (charts) for (const c of Object.values(charts)) c.destroy();
    layersCharted = layers;
    charts = {
      live: lineChart(chartsBox, {
        title: 'Mini-batch cost (live, before each update)',
        xLabel: 'epoch',
        lines: [{ label: 'mean C_x of each mini-batch', color: PALETTE[4]! }],
        caption:
          'Noisy because each mini-batch is a small sample; its trend falls as the network learns. A too-large η makes it jump up.',
      }),
      cost: lineChart(chartsBox, {
        title: 'Cost per epoch',
        xLabel: 'epoch',
        caption: 'Test cost rising while training cost falls is overfitting (chapter 3).',
        lines: [
          { label: 'training', color: BLUE },
          { label: 'test', color: ORANGE },
        ],
      }),
      acc: lineChart(chartsBox, {
        title: 'Accuracy per epoch',
        xLabel: 'epoch',
        caption: 'The gap between training and test accuracy is how much the network memorises.',
        yRange: [0, 1],
        lines: [
          { label: 'training', color: BLUE },
          { label: 'test', color: ORANGE },
        ],
      }),
      speed: lineChart(chartsBox, {
        title: 'Learning speed ‖δˡ‖ per layer',
        xLabel: 'epoch',
        caption:
          'Earlier layers learning slower than later ones is the vanishing gradient (chapter 5).',
        logY: true,
        lines: Array.from({ length: layers }, (_, l) => ({
          label: l === layers - 1 ? `layer ${l + 1} (output)` : `layer ${l + 1}`,
          color: PALETTE[l % PALETTE.length]!,
        })),
      }),
      eta: lineChart(chartsBox, {
        title: 'Learning rate η',
        xLabel: 'epoch',
        caption: 'η per epoch: it changes when you change it during the run.',
        lines: [{ label: 'η', color: PALETTE[2]! }],
      }),
    };
  };

  let livePending = false;
  const renderLive = () => {
    livePending = false;
    buildCharts();
    charts!.live.setData(store.batchCost.at, [store.batchCost.cost]);
  };
  store.on('batchCost', () => {
    if (livePending) return;
    livePending = true;
    requestAnimationFrame(renderLive);
  });

  const renderHistory = (history: EpochRecord[]) => {
    buildCharts();
    const x = history.map((r) => r.epoch);
    charts!.cost.setData(x, [history.map((r) => r.trainCost), history.map((r) => r.testCost)]);
    charts!.acc.setData(x, [
      history.map((r) => r.trainAccuracy),
      history.map((r) => r.testAccuracy),
    ]);
    charts!.speed.setData(
      x,
      Array.from({ length: layersCharted }, (_, l) => history.map((r) => r.speeds[l] ?? null)),
    );
    charts!.eta.setData(x, [history.map((r) => r.eta)]);
    const last = history[history.length - 1];
    epochStat.value.textContent = last ? fmt(last.epoch, 4) : '0';
    testAccStat.value.textContent = last ? pct(last.testAccuracy) : '–';
    trainAccStat.value.textContent = last ? pct(last.trainAccuracy) : '–';
    testCostStat.value.textContent = last ? fmt(last.testCost, 4) : '–';
  };

  const renderStatus = (status: Status) => {
    root.dataset.status = status;
    startButton.textContent = status === 'running' ? 'Pause' : 'Start';
    startButton.dataset.testid = status === 'running' ? 'pause' : 'start';
    const busy = status === 'loading' || status === 'error';
    startButton.disabled = busy || status === 'done';
    continueBox.hidden = status !== 'done';
    continueButton.hidden = status !== 'done';
    stepButton.disabled = busy || status === 'running';
    resetButton.disabled = status === 'loading';
    const text: Record<Status, string> = {
      loading: 'loading digits…',
      idle: 'ready: press Start to train, or Step for one mini-batch',
      running: 'training…',
      paused: 'paused',
      done: `done: ${store.settings.epochs} epochs; Continue to train on, or Reset to start again`,
      error: 'stopped by an error',
    };
    statusLine.textContent = text[status];
    const p = client.progress;
    if (status === 'paused' && p.batches > 0) {
      statusLine.textContent = `paused in epoch ${p.epoch}, after mini-batch ${p.batch} of ${p.batches}`;
    }
  };
  store.on('applied', (s) => {
    const pending = store.pendingBatch;
    if (pending !== null) {
      statusLine.textContent = `mini-batch size ${pending} applies from the next epoch (it does not divide the ${client.progress.batch * s.batch} samples done in this one)`;
    }
  });

  client.onProgress = () => {
    const p = client.progress;
    progress.max = Math.max(1, p.batches);
    progress.value = p.batch;
  };
  store.on('history', renderHistory);
  store.on('status', renderStatus);
  /** Shows settings in the inputs (`force`: the focused one too). */
  function syncInputs(s: Settings, force: boolean): void {
    for (const el of settingsPanel.querySelectorAll<HTMLInputElement | HTMLSelectElement>(
      'input[name], select[name]',
    )) {
      const key = el.name === 'act' ? 'hidden' : (el.name as keyof Settings);
      const value = key === 'sizes' ? s.sizes.join('-') : String(s[key]);
      if (el.value !== value && (force || document.activeElement !== el)) el.value = value;
      if (force && el instanceof HTMLInputElement) el.setCustomValidity('');
    }
  }
  store.on('settings', (s) => {
    // Settings may also change from a loaded model file or the URL hash.
    syncInputs(s, false);
    buildCharts();
    renderHistory(store.history);
  });
  renderStatus(store.status);
  return {
    root,
    show() {
      renderHistory(store.history);
    },
  };
}
