/**
 * Network view: the first hidden layer's incoming weights as 28x28 images,
 * later layers' weights as heatmaps (blue positive, orange negative), and for
 * small networks a node-link diagram with edges coloured and sized by weight.
 */
import type { Network } from '@mlisp/neurons';
import { clear, fmt, h } from '../dom.js';
import { maxAbs, signedImage, weightColor } from '../paint.js';
import type { AppContext, ViewHandle } from '../view.js';

/** Hidden layers up to this size get a node-link diagram. */
const NODE_LINK_MAX = 40;
/** At most this many first-layer weight images are drawn. */
const MAX_IMAGES = 100;

function legend(): HTMLElement {
  return h(
    'p',
    { class: 'legend-sign' },
    h('i', { style: 'background:#0877bd' }),
    'positive weight',
    h('i', { style: 'background:#f59322; margin-left:10px' }),
    'negative weight',
    h('span', { text: '(intensity ∝ |w|, white at 0)' }),
  );
}

function firstLayerImages(network: Network): HTMLElement {
  const layer = network.layers[0]!;
  const { rows, cols, data } = layer.weights;
  const box = h('div', { class: 'grid-images', 'data-testid': 'first-layer-weights' });
  if (cols !== 784) {
    box.append(h('p', { class: 'muted', text: `inputs are ${cols}, not 28x28 images` }));
    return box;
  }
  const range = maxAbs(data);
  const shown = Math.min(rows, MAX_IMAGES);
  for (let j = 0; j < shown; j++) {
    box.appendChild(
      h(
        'figure',
        { title: `neuron ${j + 1}: bias ${fmt(layer.biases.data[j]!)}` },
        signedImage(data, 28, 28, 3, j * cols, range),
        h('figcaption', { text: `#${j + 1}` }),
      ),
    );
  }
  if (rows > shown) box.append(h('p', { class: 'muted', text: `…and ${rows - shown} more` }));
  return box;
}

function heatmap(network: Network, l: number): HTMLElement {
  const layer = network.layers[l]!;
  const { rows, cols, data } = layer.weights;
  const room = Math.min(560, (globalThis.innerWidth || 1000) - 70);
  const scale = Math.max(1, Math.min(14, Math.floor(room / Math.max(cols, rows))));
  const canvas = signedImage(data, rows, cols, scale);
  canvas.dataset.testid = `heatmap-${l + 1}`;
  return h(
    'figure',
    { class: 'panel', style: 'margin:0' },
    h('h2', {
      text: `Layer ${l + 1} weights (${rows} x ${cols}), max |w| ${fmt(maxAbs(data))}`,
    }),
    canvas,
    h('figcaption', {
      class: 'muted',
      text: 'row j: neuron j of this layer; column k: neuron k below',
    }),
  );
}

function nodeLink(network: Network): HTMLCanvasElement {
  const sizes = network.sizes;
  const L = network.layers.length;
  const tallest = Math.max(...sizes.slice(1));
  const rowGap = tallest > 20 ? 22 : 32;
  const colGap = Math.max(90, Math.min(220, ((globalThis.innerWidth || 1000) - 200) / L));
  const width = 120 + colGap * L;
  const height = Math.max(260, tallest * rowGap + 40);
  const dpr = globalThis.devicePixelRatio || 1;
  const canvas = h('canvas', { 'data-testid': 'node-link', class: 'nodelink' });
  canvas.width = width * dpr;
  canvas.height = height * dpr;
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext('2d');
  if (!ctx) return canvas;
  ctx.scale(dpr, dpr);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  const x = (l: number) => 60 + colGap * l;
  // Every layer is spread over the same height, as in TensorFlow Playground.
  const y = (l: number, j: number) => 30 + ((j + 0.5) * (height - 40)) / sizes[l]!;
  // Edges between layer l and l+1 for l >= 1 (the input layer is one box).
  for (let l = 1; l < L; l++) {
    const w = network.layers[l]!.weights;
    const m = maxAbs(w.data);
    for (let j = 0; j < w.rows; j++) {
      for (let k = 0; k < w.cols; k++) {
        const v = w.data[j * w.cols + k]!;
        ctx.strokeStyle = weightColor(v, m, 0.8);
        ctx.lineWidth = 0.3 + 3 * (m > 0 ? Math.abs(v) / m : 0);
        ctx.beginPath();
        ctx.moveTo(x(l) + 10, y(l, k));
        ctx.lineTo(x(l + 1) - 8, y(l + 1, j));
        ctx.stroke();
      }
    }
  }
  // The input box and its fan into the first layer.
  ctx.fillStyle = '#eef2f6';
  ctx.fillRect(4, height / 2 - 30, 56, 60);
  ctx.fillStyle = '#66737f';
  ctx.font = '11px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.fillText('784', 32, height / 2 - 4);
  ctx.fillText('pixels', 32, height / 2 + 10);
  const first = network.layers[0]!.weights;
  const range = maxAbs(first.data);
  for (let j = 0; j < first.rows; j++) {
    ctx.strokeStyle = '#d5dbe1';
    ctx.lineWidth = 0.5;
    ctx.beginPath();
    ctx.moveTo(60, height / 2);
    ctx.lineTo(x(1) - 10, y(1, j));
    ctx.stroke();
    if (first.cols === 784) {
      const img = signedImage(first.data, 28, 28, 1, j * 784, range);
      const s = Math.min(rowGap - 2, 28);
      ctx.drawImage(img, x(1) - s / 2, y(1, j) - s / 2, s, s);
      ctx.strokeStyle = '#98a4b0';
      ctx.strokeRect(x(1) - s / 2, y(1, j) - s / 2, s, s);
    }
  }
  // Neurons of the later layers, coloured by bias.
  for (let l = 2; l <= L; l++) {
    const b = network.layers[l - 1]!.biases.data;
    const m = maxAbs(b);
    for (let j = 0; j < sizes[l]!; j++) {
      ctx.fillStyle = '#fff';
      ctx.beginPath();
      ctx.arc(x(l), y(l, j), 7, 0, 2 * Math.PI);
      ctx.fill();
      ctx.fillStyle = weightColor(b[j]!, m);
      ctx.fill();
      ctx.strokeStyle = '#4a5560';
      ctx.lineWidth = 1;
      ctx.stroke();
      if (l === L) {
        ctx.fillStyle = '#1f2933';
        ctx.textAlign = 'left';
        ctx.fillText(String(j), x(l) + 12, y(l, j) + 4);
      }
    }
  }
  ctx.fillStyle = '#66737f';
  ctx.textAlign = 'center';
  for (let l = 1; l <= L; l++) {
    ctx.fillText(l === L ? 'output' : `hidden ${l}`, x(l), 14);
  }
  return canvas;
}

/** Creates the Network view. */
export function createNetworkView(ctx: AppContext): ViewHandle {
  const { store } = ctx;
  const root = h('section', { 'aria-label': 'Network' });
  let visible = false;
  let pending = false;

  /** When the view last drew (it redraws at most once a second while training). */
  let drawn = 0;
  const render = () => {
    pending = false;
    drawn = performance.now();
    const network = store.model;
    if (!network) {
      clear(root);
      root.append(h('p', { class: 'panel', text: 'No network yet: the digits are loading.' }));
      return;
    }
    // Built off the page in three short tasks (diagram, weight images,
    // heatmaps), then swapped in at once.
    const next = document.createDocumentFragment();
    const append = (...nodes: Node[]) => next.append(...nodes);
    const hidden = network.sizes.slice(1, -1);
    append(
      h(
        'p',
        { class: 'try' },
        'Try: train one epoch and watch the first-layer images turn from noise into strokes; with λ = 0 they stay noisier. ',
        h('a', {
          href: 'http://neuralnetworksanddeeplearning.com/chap1.html#the_architecture_of_neural_networks',
          target: '_blank',
          rel: 'noopener',
          text: 'Book, chapter 1',
        }),
      ),
      h(
        'div',
        { class: 'panel', style: 'margin-bottom:12px' },
        h('h2', {
          text: `Network ${network.sizes.join('-')} (${store.modelSource}; ${store.history.length} epochs trained)`,
        }),
        legend(),
      ),
    );
    const steps = [
      () => {
        if (hidden.length > 0 && hidden.every((n) => n <= NODE_LINK_MAX)) {
          append(
            h(
              'div',
              { class: 'panel', style: 'margin-bottom:12px; overflow-x:auto' },
              h('h2', { text: 'Node-link diagram' }),
              nodeLink(network),
            ),
          );
        }
      },
      () =>
        append(
          h(
            'div',
            { class: 'panel', style: 'margin-bottom:12px' },
            h('h2', { text: 'Layer 1: incoming weights of each neuron, as a 28x28 image' }),
            firstLayerImages(network),
          ),
        ),
      () => {
        const maps = h('div', { class: 'charts' });
        for (let l = 1; l < network.layers.length; l++) maps.append(heatmap(network, l));
        append(maps);
        clear(root);
        root.append(next);
      },
    ];
    const run = (i: number) => {
      if (network !== store.model && i > 0) return; // a newer network: its own render follows
      steps[i]!();
      if (i + 1 < steps.length) setTimeout(() => run(i + 1), 0);
    };
    run(0);
  };

  const schedule = () => {
    if (!visible || pending) return;
    pending = true;
    const wait = Math.max(0, 1000 - (performance.now() - drawn));
    setTimeout(() => requestAnimationFrame(render), store.status === 'running' ? wait : 0);
  };
  store.on('model', schedule);
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
