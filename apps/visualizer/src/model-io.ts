/**
 * Load and save `mlisp-network` model files (the CLI's format, read and
 * written by @mlisp/neurons), so a model trained with `mlisp train` can be
 * inspected here and a model trained here can be used by the CLI.
 */
import { h } from './dom.js';
import { readModelFile, writeModelFile } from './modelfile.js';
import { COSTS, HIDDEN_ACTIVATIONS, type Settings } from './settings.js';
import { toSnapshot } from './snapshot.js';
import type { AppContext } from './view.js';

/** The pretrained network (apps/visualizer/public, made by `mlisp train --out`). */
const PRETRAINED = 'pretrained-784-30-10.json';

/** The header's Pretrained / Load / Save buttons and a one-line status. */
export function createModelIo(ctx: AppContext): HTMLElement {
  const { store, client } = ctx;
  const status = h('span', { class: 'status', 'data-testid': 'model-status' });
  const file = h('input', {
    type: 'file',
    accept: '.json,application/json',
    'data-testid': 'model-file',
    hidden: true,
  });
  const loadButton = h('button', {
    'data-testid': 'load-model',
    text: 'Load model…',
    onclick: () => file.click(),
  });
  const saveButton = h('button', { 'data-testid': 'save-model', text: 'Save model' });

  /** Takes a model file's text as the page's network (and the worker's). */
  const loadText = (text: string, name: string) => {
    try {
      const { network, cost } = readModelFile(text, name);
      const sizes = network.sizes;
      if (sizes[0] !== 784 || sizes[sizes.length - 1] !== 10) {
        throw new Error(
          `the network is ${sizes.join('-')}, but this app shows MNIST digit networks: 784 inputs and 10 outputs`,
        );
      }
      const hidden = network.layers[0]!.activation.name;
      const patch: Partial<Settings> = { sizes: [...network.sizes] };
      if ((HIDDEN_ACTIVATIONS as readonly string[]).includes(hidden) && network.layers.length > 1) {
        patch.hidden = hidden as Settings['hidden'];
      }
      if ((COSTS as readonly string[]).includes(cost)) patch.cost = cost as Settings['cost'];
      store.settings = { ...store.settings, ...patch };
      store.emit('settings', store.settings);
      client.loadModel(toSnapshot(network), name);
      store.setModel(network, name);
      status.textContent = `loaded ${name} (${network.sizes.join('-')})`;
    } catch (error) {
      status.textContent = 'load failed';
      const message = (error as Error).message;
      store.setError(message.startsWith(name) ? message : `${name}: ${message}`);
    }
  };

  file.addEventListener('change', async () => {
    const chosen = file.files?.[0];
    file.value = '';
    if (!chosen) return;
    loadText(await chosen.text(), chosen.name);
  });

  // A network trained by `mlisp train` with the shared defaults, shipped with the app.
  const pretrainedButton = h('button', {
    'data-testid': 'load-pretrained',
    text: 'Pretrained',
    title:
      'load a 784-30-10 network trained by `mlisp train` (its defaults: 30 epochs, 91.8% of the test digits right)',
  });
  pretrainedButton.addEventListener('click', async () => {
    try {
      const response = await fetch(PRETRAINED);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      loadText(await response.text(), PRETRAINED);
    } catch (error) {
      store.setError(`could not load the pretrained network: ${(error as Error).message}`);
    }
  });

  saveButton.addEventListener('click', () => {
    const network = store.model;
    if (!network) {
      store.setError('there is no network to save yet');
      return;
    }
    const last = store.history[store.history.length - 1];
    const text = writeModelFile(network, store.settings.cost, {
      source: 'mlisp visualizer',
      settings: store.settings,
      epochs: last?.epoch ?? 0,
      testAccuracy: last?.testAccuracy ?? null,
    });
    const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
    const a = h('a', { href: url, download: `mlisp-${network.sizes.join('-')}.json` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    status.textContent = `saved ${network.sizes.join('-')}`;
  });

  return h('div', { class: 'model-io' }, status, pretrainedButton, loadButton, saveButton, file);
}
