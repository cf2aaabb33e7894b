/**
 * Draw a digit: a pointer-events canvas (mouse, pen and touch), the MNIST
 * preparation from @mlisp/mnist shown beside it, the live output activations
 * and the 4-bit code of the stacked binary encoder.
 */
import { NoDigitError, prepareDigit } from '@mlisp/mnist';
import { fmt, h, pct } from '../dom.js';
import { paintGray } from '../paint.js';
import { predictOne } from '../predict.js';
import type { AppContext, ViewHandle } from '../view.js';
import { renderBars } from './outputs.js';

const SIZE = 280;
const PEN = 20;

/** Creates the Draw view. */
export function createDrawView(ctx: AppContext): ViewHandle {
  const { store } = ctx;
  const pad = h('canvas', { class: 'pad', 'data-testid': 'pad', width: SIZE, height: SIZE });
  const pen = pad.getContext('2d', { willReadFrequently: true })!;
  const prepared = h('canvas', { width: 28, height: 28, 'data-testid': 'prepared' });
  prepared.style.cssText =
    'width:140px;height:140px;image-rendering:pixelated;border:1px solid #dfe3e8';
  const bars = h('div', { class: 'bars', 'data-testid': 'outputs' });
  const digit = h('b', { 'data-testid': 'draw-digit', style: 'font-size:48px', text: '–' });
  const confidence = h('span', { class: 'muted', text: '' });
  const bitcode = h('div', { class: 'bitcode', 'data-testid': 'draw-bits', text: '····' });
  const bitLabel = h('p', { class: 'muted', text: '' });
  const note = h('p', { class: 'muted', text: '' });

  const blank = () => {
    pen.fillStyle = '#fff';
    pen.fillRect(0, 0, SIZE, SIZE);
  };
  blank();
  let pixels: Float64Array = new Float64Array(784);
  let scheduled = false;

  const evaluate = () => {
    scheduled = false;
    const rgba = pen.getImageData(0, 0, SIZE, SIZE).data;
    const gray = new Uint8ClampedArray(SIZE * SIZE);
    for (let i = 0; i < gray.length; i++) gray[i] = rgba[4 * i]!;
    // Dark ink on white: inverted by prepareDigit into MNIST's light-on-dark.
    try {
      pixels = prepareDigit(gray, SIZE, SIZE, { invert: true });
    } catch (error) {
      if (!(error instanceof NoDigitError)) throw error;
      pixels = new Float64Array(784); // nothing drawn yet
    }
    paintGray(prepared, pixels, 28, 28);
    predictNow();
  };
  const predictNow = () => {
    const network = store.model;
    if (!network) {
      note.textContent = 'No network yet: train one or load a model file.';
      return;
    }
    const untrained = store.history.length === 0 && store.modelSource.startsWith('new network');
    note.textContent = `network ${network.sizes.join('-')} (${store.modelSource})${
      untrained ? ': untrained, so its guesses are random; train it or load a model' : ''
    }`;
    const p = predictOne(network, pixels);
    const outputs = p.outputs.data;
    renderBars(bars, outputs, p.digits[0]!);
    const inked = pixels.some((v) => v > 0);
    digit.textContent = inked ? String(p.digits[0]) : '–';
    confidence.textContent = inked ? `confidence ${pct(p.confidence[0]!)}` : 'draw a digit';
    const code = p.codes[0]!;
    bitcode.textContent = code.code;
    bitLabel.textContent = `binary layer outputs ${Array.from(p.bitOutputs.data, (v) => fmt(v, 2))
      .reverse()
      .join(', ')} (MSB first) → ${code.label === null ? 'no digit' : `digit ${code.label}`}`;
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(evaluate);
  };

  let last: { x: number; y: number } | undefined;
  const point = (e: PointerEvent) => {
    const r = pad.getBoundingClientRect();
    return {
      x: ((e.clientX - r.left) * SIZE) / r.width,
      y: ((e.clientY - r.top) * SIZE) / r.height,
    };
  };
  pad.addEventListener('pointerdown', (e) => {
    pad.setPointerCapture(e.pointerId);
    last = point(e);
    pen.fillStyle = '#000';
    pen.beginPath();
    pen.arc(last.x, last.y, PEN / 2, 0, 2 * Math.PI);
    pen.fill();
    schedule();
  });
  pad.addEventListener('pointermove', (e) => {
    if (!last) return;
    const p = point(e);
    pen.strokeStyle = '#000';
    pen.lineWidth = PEN;
    pen.lineCap = 'round';
    pen.lineJoin = 'round';
    pen.beginPath();
    pen.moveTo(last.x, last.y);
    pen.lineTo(p.x, p.y);
    pen.stroke();
    last = p;
    schedule();
  });
  const end = () => {
    last = undefined;
  };
  pad.addEventListener('pointerup', end);
  pad.addEventListener('pointercancel', end);

  const clearButton = h('button', {
    'data-testid': 'clear-pad',
    text: 'Clear',
    onclick: () => {
      blank();
      schedule();
    },
  });

  const root = h(
    'section',
    { 'aria-label': 'Draw a digit' },
    h(
      'div',
      { class: 'draw-layout' },
      h(
        'div',
        { class: 'panel' },
        h('h2', { text: 'Draw a digit (mouse, pen or touch)' }),
        pad,
        h('div', { class: 'controls' }, clearButton),
      ),
      h(
        'div',
        { class: 'panel' },
        h('h2', { text: 'As the network sees it' }),
        prepared,
        h('p', {
          class: 'muted',
          style: 'max-width:160px',
          text: 'cropped, fitted in 20x20, centred by mass in 28x28 (prepareDigit, as in the CLI)',
        }),
      ),
      h(
        'div',
        { class: 'panel' },
        h('h2', { text: 'Output activations' }),
        h('p', {}, digit, ' ', confidence),
        bars,
        h('h2', { text: '4-bit code (stacked binary layer)', style: 'margin-top:14px' }),
        bitcode,
        bitLabel,
        note,
      ),
    ),
  );
  let visible = false;
  store.on('model', () => {
    if (visible) schedule();
  });
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
