/**
 * MLISP visualizer entry: the tab bar, the model load/save buttons and the
 * views, each created the first time it is shown. Settings and the current
 * view live in the URL hash, so a link reproduces a run.
 */
import './style.css';
import { TrainerClient } from './client.js';
import { h } from './dom.js';
import { createModelIo } from './model-io.js';
import { formatHash, parseHash, VIEWS, type View } from './settings.js';
import { Store } from './store.js';
import type { AppContext, ViewHandle } from './view.js';
import { createDigitsView } from './views/digits.js';
import { createDrawView } from './views/draw.js';
import { createNetworkView } from './views/network.js';
import { createTrainView } from './views/train.js';

const TITLES: Record<View, string> = {
  train: 'Train',
  network: 'Network',
  digits: 'Digits',
  draw: 'Draw a digit',
  experiments: 'Experiments',
};

const FACTORIES: Record<View, (ctx: AppContext) => ViewHandle | Promise<ViewHandle>> = {
  train: createTrainView,
  network: createNetworkView,
  digits: createDigitsView,
  draw: createDrawView,
  // The experiments (and their code) load only when their tab is first opened.
  experiments: async (ctx) => (await import('./views/experiments.js')).createExperimentsView(ctx),
};

const store = new Store();
const initial = parseHash(location.hash);
store.settings = initial.settings;
store.view = initial.view;
store.problem = initial.problem;

const client = new TrainerClient(store);
const ctx: AppContext = { store, client };

const app = document.getElementById('app')!;
const errorBox = h('div', { class: 'error-banner', hidden: true, 'data-testid': 'error' });
const dismiss = h('button', { text: 'dismiss', style: 'margin-left:12px' });
const errorText = h('span');
errorBox.append(errorText, dismiss);
dismiss.addEventListener('click', () => {
  errorBox.hidden = true;
});
app.appendChild(errorBox);
store.on('error', (message) => {
  errorText.textContent = message;
  errorBox.hidden = false;
});
const tabs = document.getElementById('tabs')!;
tabs.setAttribute('role', 'tablist');
tabs.setAttribute('aria-label', 'views');
const created = new Map<View, ViewHandle>();
const buttons = new Map<View, HTMLButtonElement>();

for (const view of VIEWS) {
  const button = h('button', {
    role: 'tab',
    id: `tab-${view}`,
    'aria-controls': `view-${view}`,
    'aria-selected': 'false',
    'data-view': view,
    text: TITLES[view],
    onclick: () => void show(view),
  });
  buttons.set(view, button);
  tabs.appendChild(button);
}
document.getElementById('model-io')!.appendChild(createModelIo(ctx));

function writeHash(): void {
  const hash = formatHash(store.view, store.settings, store.problem);
  if (location.hash !== hash) history.replaceState(null, '', hash);
}

const pending = new Map<View, Promise<ViewHandle>>();

async function show(view: View): Promise<void> {
  store.view = view;
  for (const [name, button] of buttons) {
    button.setAttribute('aria-selected', String(name === view));
    button.tabIndex = name === view ? 0 : -1;
  }
  for (const [name, handle] of created) {
    if (name !== view && !handle.root.hidden) {
      handle.root.hidden = true;
      handle.hide?.();
    }
  }
  writeHash();
  let handle = created.get(view);
  if (!handle) {
    let making = pending.get(view);
    if (!making) {
      making = Promise.resolve(FACTORIES[view](ctx));
      pending.set(view, making);
    }
    try {
      handle = await making;
    } catch (error) {
      pending.delete(view);
      store.setError(`could not open ${TITLES[view]}: ${(error as Error).message}`);
      return;
    }
    if (!created.has(view)) {
      handle.root.classList.add('view');
      handle.root.dataset.viewRoot = view;
      handle.root.id = `view-${view}`;
      handle.root.setAttribute('role', 'tabpanel');
      handle.root.setAttribute('aria-labelledby', `tab-${view}`);
      created.set(view, handle);
      app.appendChild(handle.root);
    }
    handle.root.hidden = true;
  }
  if (store.view !== view) return;
  handle.root.hidden = false;
  handle.show?.();
  store.emit('view', view);
}

store.on('settings', writeHash);
store.on('problem', writeHash);
store.on('drawDigit', () => void show('draw'));
// Arrow keys move between tabs (the WAI-ARIA tabs pattern).
tabs.addEventListener('keydown', (event) => {
  const i = VIEWS.indexOf(store.view);
  const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
  if (step === 0) return;
  const next = VIEWS[(i + step + VIEWS.length) % VIEWS.length]!;
  void show(next).then(() => buttons.get(next)?.focus());
});
window.addEventListener('hashchange', () => {
  const next = parseHash(location.hash);
  if (
    formatHash(next.view, next.settings, next.problem) ===
    formatHash(store.view, store.settings, store.problem)
  ) {
    return;
  }
  if (next.problem !== store.problem) {
    store.problem = next.problem;
    store.emit('problem', next.problem);
  }
  if (formatHash('train', next.settings) !== formatHash('train', store.settings)) {
    store.settings = next.settings;
    store.emit('settings', store.settings);
    client.configure();
  }
  void show(next.view);
});

void show(store.view);
client.load();
