/**
 * Why the network gave its answer for one input: the last hidden layer's
 * activations a_k, and what each adds to the winning output's weighted input
 * z_j = Σ_k w_jk·a_k + b_j (the book's equation for one neuron).
 */
import { feedforward, type Network } from '@mlisp/neurons';
import { fmt, h } from '../dom.js';

/** Hidden neurons listed for and against the answer. */
const TOP = 5;

/**
 * Fills `box` with the last hidden layer's activations (one shaded cell per
 * neuron) and the largest contributions w_jk·a_k to output `digit`.
 */
export function explain(
  box: HTMLElement,
  network: Network,
  pixels: Float64Array,
  digit: number,
): void {
  const L = network.layers.length;
  if (L < 2) {
    box.append(
      h('p', { class: 'muted', text: 'No hidden layer: each output sees the pixels directly.' }),
    );
    return;
  }
  // The network up to its last hidden layer is a network too.
  const hiddenNet: Network = {
    sizes: network.sizes.slice(0, L),
    layers: network.layers.slice(0, L - 1),
  };
  const a = feedforward(hiddenNet, pixels);
  const out = network.layers[L - 1]!;
  const n = a.length;
  const w = out.weights.data;
  const parts = Array.from(a, (ak, k) => ({ k, value: Number(w[digit * n + k]) * ak }));
  const bias = Number(out.biases.data[digit]);
  const z = parts.reduce((s, p) => s + p.value, bias);
  const cells = h('div', {
    class: 'activations',
    role: 'img',
    'aria-label': `activations of the ${n} neurons of hidden layer ${L - 1}`,
  });
  let max = 0;
  for (const v of a) max = Math.max(max, Math.abs(v));
  for (let k = 0; k < Math.min(n, 200); k++) {
    const t = max > 0 ? Math.abs(a[k]!) / max : 0;
    cells.append(
      h('i', {
        title: `neuron ${k}: a = ${fmt(a[k]!, 3)}, w·a = ${fmt(parts[k]!.value, 3)}`,
        style: `background:rgba(${a[k]! >= 0 ? '8,119,189' : '245,147,34'},${(0.08 + 0.92 * t).toFixed(2)})`,
      }),
    );
  }
  const sorted = [...parts].sort((p, q) => q.value - p.value);
  const line = (p: { k: number; value: number }) =>
    h(
      'li',
      {},
      h('span', { text: `neuron ${p.k}` }),
      h('b', { text: `${p.value >= 0 ? '+' : ''}${fmt(p.value, 3)}` }),
    );
  box.append(
    h('p', {
      class: 'caption',
      text: `Hidden layer ${L - 1} (${n} neurons), darker = more active:`,
    }),
    cells,
    h(
      'p',
      { 'data-testid': 'why-z' },
      `Output ${digit}: z = Σ w·a + b = ${fmt(z, 4)} (bias ${fmt(bias, 3)}).`,
    ),
    h(
      'div',
      { class: 'why-lists' },
      h(
        'div',
        {},
        h('h3', { text: 'Pushing for it' }),
        h(
          'ol',
          {},
          ...sorted
            .slice(0, TOP)
            .filter((p) => p.value > 0)
            .map(line),
        ),
      ),
      h(
        'div',
        {},
        h('h3', { text: 'Pushing against' }),
        h(
          'ol',
          {},
          ...sorted
            .slice(-TOP)
            .reverse()
            .filter((p) => p.value < 0)
            .map(line),
        ),
      ),
    ),
  );
}
