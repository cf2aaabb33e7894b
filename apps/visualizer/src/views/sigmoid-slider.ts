/**
 * Problem 2's interactive figure: a slider for c morphs the sigmoid neuron
 * σ(c·z) into the perceptron's step(z) (both from @mlisp/neurons).
 */
import { sigmoid, step } from '@mlisp/neurons';
import { xyChart } from '../charts.js';
import { fmt, h } from '../dom.js';

const Z = Array.from({ length: 401 }, (_, i) => -2 + i / 100);

/** A panel with the slider and the live chart. */
export function sigmoidSlider(): HTMLElement {
  const slider = h('input', {
    type: 'range',
    min: -1,
    max: 3,
    step: 0.01,
    value: 0,
    'data-testid': 'c-slider',
    style: 'width:100%',
  });
  const label = h('b', { 'data-testid': 'c-value', text: 'c = 1' });
  const panel = h(
    'div',
    { class: 'panel', style: 'margin-bottom:12px' },
    h('h2', { text: 'Scale every weight and bias by c' }),
    h(
      'p',
      {},
      label,
      h('span', { class: 'muted', text: ' (slider is log₁₀ c, from 0.1 to 1000)' }),
    ),
    slider,
  );
  const curves = (c: number) => [
    { name: 'σ(c·z)', x: Z, y: Z.map((z) => sigmoid.fn(c * z)), color: '#0877bd' },
    { name: 'step(z) (perceptron)', x: Z, y: Z.map((z) => step.fn(z)), color: '#f59322' },
  ];
  const chart = xyChart(
    panel,
    {
      title: 'Sigmoid neuron → perceptron',
      xLabel: 'z = w·x + b',
      yLabel: 'output',
      yRange: [-0.05, 1.05],
    },
    curves(1),
  );
  chart.root.dataset.testid = 'c-chart';
  slider.addEventListener('input', () => {
    const c = 10 ** Number(slider.value);
    label.textContent = `c = ${fmt(c)}`;
    chart.setCurves(curves(c));
  });
  return panel;
}
