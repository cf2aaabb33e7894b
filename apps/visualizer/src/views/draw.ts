/**
 * Draw a digit: a pointer-events canvas (mouse, pen and touch), the MNIST
 * preparation from @mlisp/mnist shown beside it, the live output activations
 * and the 4-bit code of the stacked binary encoder, and why: the last hidden
 * layer's activations and what each of them adds to the winning output.
 */
import { NoDigitError, prepareDigit } from '@mlisp/mnist';
import { clear, fmt, h, pct } from '../dom.js';
import { paintGray } from '../paint.js';
import { predictOne } from '../predict.js';
import type { AppContext, ViewHandle } from '../view.js';
import { explain } from './explain.js';
import { renderBars } from './outputs.js';

const SIZE = 280;
const PEN = 20;

/** Creates the Draw view. */
export function createDrawView(ctx: AppContext): ViewHandle {
  const { store } = ctx;
  const pad = h('canvas', {
    class: 'pad',
    'data-testid': 'pad',
    width: SIZE,
    height: SIZE,
    role: 'img',
    'aria-label': 'drawing pad: draw a digit with the mouse, a pen or a finger',
  });
  const pen = pad.getContext('2d', { willReadFrequently: true })!;
  const prepared = h('canvas', {
    width: 28,
    height: 28,
    'data-testid': 'prepared',
    role: 'img',
    'aria-label': 'the drawing as the network sees it, 28 by 28 pixels',
  });
  prepared.style.cssText =
    'width:140px;height:140px;image-rendering:pixelated;border:1px solid #dfe3e8';
  const bars = h('div', { class: 'bars', 'data-testid': 'outputs', hidden: true });
  const digit = h('b', { 'data-testid': 'draw-digit', class: 'answer-digit', text: '' });
  const confidence = h('span', { 'data-testid': 'draw-answer', text: 'draw a digit' });
  const why = h('div', { 'data-testid': 'why', class: 'why' });
  const bitcode = h('div', { class: 'bitcode', 'data-testid': 'draw-bits', text: '····' });
  const bitLabel = h('p', { class: 'muted', text: '' });
  const note = h('p', { class: 'note', 'data-testid': 'draw-note', text: '' });

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
    note.classList.toggle('warn', untrained);
    note.textContent = untrained
      ? 'This network is untrained, so its guesses are random: train it (Train tab) or load the pretrained model.'
      : `network ${network.sizes.join('-')} (${store.modelSource})`;
    const inked = pixels.some((v) => v > 0);
    bars.hidden = !inked;
    bitcode.hidden = !inked;
    bitLabel.hidden = !inked;
    clear(why);
    if (!inked) {
      digit.textContent = '';
      confidence.textContent = 'draw a digit';
      return;
    }
    const p = predictOne(network, pixels);
    const outputs = p.outputs.data;
    renderBars(bars, outputs, p.digits[0]!);
    digit.textContent = String(p.digits[0]);
    confidence.textContent = `confidence ${pct(p.confidence[0]!)}`;
    const code = p.codes[0]!;
    bitcode.textContent = code.code;
    bitLabel.textContent = `binary layer outputs ${Array.from(p.bitOutputs.data, (v) => fmt(v, 2))
      .reverse()
      .join(', ')} (MSB first) → ${code.label === null ? 'no digit' : `digit ${code.label}`}`;
    explain(why, network, pixels, p.digits[0]!);
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
    note,
    h(
      'p',
      { class: 'try' },
      'Try: draw a 4 with an open top, or a 7 with a bar, and watch which hidden neurons change the answer. ',
      h('a', {
        href: 'http://neuralnetworksanddeeplearning.com/chap1.html#a_simple_network_to_classify_handwritten_digits',
        target: '_blank',
        rel: 'noopener',
        text: 'Book, chapter 1',
      }),
    ),
    h(
      'div',
      { class: 'draw-layout' },
      h(
        'div',
        { class: 'panel' },
        h('h2', { text: 'Draw a digit (mouse, pen or touch)' }),
        pad,
        h(
          'div',
          { class: 'controls answer-row' },
          clearButton,
          h('p', { class: 'answer', 'aria-live': 'polite' }, digit, ' ', confidence),
        ),
      ),
      h(
        'div',
        { class: 'panel' },
        h('h2', { text: 'Output activations' }),
        bars,
        h('h2', { text: '4-bit code (stacked binary layer)', style: 'margin-top:14px' }),
        bitcode,
        bitLabel,
      ),
      h(
        'div',
        { class: 'panel' },
        h('h2', { text: 'As the network sees it' }),
        prepared,
        h('p', {
          class: 'caption',
          style: 'max-width:160px',
          text: 'cropped, fitted in 20x20, centred by mass in 28x28 (prepareDigit, as in the CLI)',
        }),
      ),
      h('div', { class: 'panel why-panel' }, h('h2', { text: 'Why this answer' }), why),
    ),
  );
  store.on('drawDigit', (i) => {
    const test = store.testSet;
    if (!test) return;
    // The test digit, light on dark in [0, 1], drawn as dark ink on the white pad.
    const image = pen.createImageData(28, 28);
    for (let k = 0; k < 784; k++) {
      const v = 255 - Math.round(255 * test.images[i * 784 + k]!);
      image.data.set([v, v, v, 255], 4 * k);
    }
    const small = document.createElement('canvas');
    small.width = 28;
    small.height = 28;
    small.getContext('2d')!.putImageData(image, 0, 0);
    blank();
    pen.imageSmoothingEnabled = true;
    pen.drawImage(small, 0, 0, SIZE, SIZE);
    schedule();
  });
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
