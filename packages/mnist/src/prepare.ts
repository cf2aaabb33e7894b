import { IMAGE_PIXELS, IMAGE_SIDE } from './dataset.js';
import { describe } from './idx.js';

/** Options of {@link prepareDigit}. */
export interface PrepareDigitOptions {
  /**
   * Whether the input is dark ink on a light background and must be inverted:
   * `'auto'` (default) inverts when the mean of the border pixels is above 0.5,
   * `true` always inverts, `false` never does. Forcing the wrong reading gives
   * all zeros, since the border level is removed as background.
   */
  invert?: 'auto' | boolean;
  /** Rescale the result so its brightest pixel is 1, as in MNIST (default true). */
  normalize?: boolean;
}

/** Side of the box the digit is scaled to fit, as in MNIST. */
const BOX = 20;
/** Ink below this fraction of the brightest ink is treated as background noise. */
const NOISE_FLOOR = 0.05;

/**
 * Turns a grey image of one handwritten digit (any size, e.g. drawn on a
 * canvas) into an MNIST-style 28 x 28 input, the way LeCun's MNIST was made:
 *
 * 1. pixels to [0, 1] (Uint8 values are divided by 255) and, if needed,
 *    inverted so the ink is light on a dark background (see `options.invert`);
 * 2. the background level (median of the border pixels) is subtracted, and
 *    ink fainter than 5% of the brightest ink is set to 0;
 * 3. the image is cropped to the bounding box of the ink and scaled (area
 *    averaging) so its longer side is 20 pixels, keeping the aspect ratio;
 * 4. optionally rescaled so the brightest pixel is 1 (`options.normalize`);
 * 5. placed in a 28 x 28 field, shifted by whole pixels so that its centre of
 *    mass, in pixel indices (x = column, y = row), is within half a pixel of
 *    (14, 14) on each axis, as in MNIST (the bundled digits' centres of mass
 *    lie there too); only if that would push ink off the field is the box
 *    moved just enough to stay inside.
 *
 * An image with no ink gives all zeros.
 *
 * @param gray - grey values, row-major, `width * height` of them: 0..255 for
 *   Uint8Array / Uint8ClampedArray, 0..1 for Float64Array (convert RGBA first)
 * @param width - image width in pixels, a positive integer
 * @param height - image height in pixels, a positive integer
 * @param options - inversion and normalisation, see {@link PrepareDigitOptions}
 * @returns 784 values in [0, 1], row-major 28 x 28, light ink on black, ready
 *   to be one row of an input batch
 * @throws TypeError for bad sizes, options, array types or Float64 values
 *   outside [0, 1]; RangeError when `gray.length !== width * height`
 */
export function prepareDigit(
  gray: Float64Array | Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
  options: PrepareDigitOptions = {},
): Float64Array {
  const ink = toInk(gray, width, height, options.invert ?? 'auto');
  const out = new Float64Array(IMAGE_PIXELS);
  // Bounding box of the ink.
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if ((ink[y * width + x] as number) > 0) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  if (x1 < 0) return out;
  const cw = x1 - x0 + 1;
  const ch = y1 - y0 + 1;
  const scale = BOX / Math.max(cw, ch);
  const tw = Math.min(BOX, Math.max(1, Math.round(cw * scale)));
  const th = Math.min(BOX, Math.max(1, Math.round(ch * scale)));
  const box = resample(ink, width, x0, y0, cw, ch, tw, th);
  let max = 0;
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) {
      const v = box[y * tw + x] as number;
      if (v > max) max = v;
      mass += v;
      mx += v * x;
      my += v * y;
    }
  }
  const gain = options.normalize === false ? 1 : 1 / max;
  const center = IMAGE_SIDE / 2; // pixel index 14, where MNIST's centres of mass are
  const ox = clamp(Math.round(center - mx / mass), 0, IMAGE_SIDE - tw);
  const oy = clamp(Math.round(center - my / mass), 0, IMAGE_SIDE - th);
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) {
      out[(oy + y) * IMAGE_SIDE + ox + x] = Math.min(1, (box[y * tw + x] as number) * gain);
    }
  }
  return out;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(v, hi));
}

/** Validates the input and returns light-on-dark ink in [0, 1] with the background removed. */
function toInk(
  gray: Float64Array | Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
  invert: 'auto' | boolean,
): Float64Array {
  if (!Number.isInteger(width) || width < 1) {
    throw new TypeError(`width must be a positive integer, got ${String(width)}`);
  }
  if (!Number.isInteger(height) || height < 1) {
    throw new TypeError(`height must be a positive integer, got ${String(height)}`);
  }
  const isBytes = gray instanceof Uint8Array || gray instanceof Uint8ClampedArray;
  if (!isBytes && !(gray instanceof Float64Array)) {
    throw new TypeError(
      `gray must be a Float64Array (0..1), Uint8Array or Uint8ClampedArray (0..255), got ${describe(gray)}`,
    );
  }
  if (gray.length !== width * height) {
    throw new RangeError(
      `gray has ${gray.length} values but a ${width}x${height} image needs ${width * height}`,
    );
  }
  if (invert !== 'auto' && invert !== true && invert !== false) {
    throw new TypeError(`options.invert must be 'auto', true or false, got ${String(invert)}`);
  }
  const ink = new Float64Array(gray.length);
  for (let i = 0; i < gray.length; i++) {
    const v = gray[i] as number;
    if (!isBytes && !(v >= 0 && v <= 1)) {
      throw new TypeError(`gray[${i}] must be in [0, 1] for a Float64Array, got ${v}`);
    }
    ink[i] = isBytes ? v / 255 : v;
  }
  const border = borderValues(ink, width, height);
  let mean = 0;
  for (const v of border) mean += v;
  mean /= border.length;
  if (invert === true || (invert === 'auto' && mean > 0.5)) {
    for (let i = 0; i < ink.length; i++) ink[i] = 1 - (ink[i] as number);
    for (let i = 0; i < border.length; i++) border[i] = 1 - (border[i] as number);
  }
  border.sort();
  const background = border[border.length >> 1] as number;
  let max = 0;
  for (let i = 0; i < ink.length; i++) {
    const v = Math.max(0, (ink[i] as number) - background);
    ink[i] = v;
    if (v > max) max = v;
  }
  const floor = NOISE_FLOOR * max;
  for (let i = 0; i < ink.length; i++) if ((ink[i] as number) < floor) ink[i] = 0;
  return ink;
}

/** The outermost ring of pixels (every pixel of an image 2 pixels wide or high). */
function borderValues(v: Float64Array, width: number, height: number): Float64Array {
  if (width <= 2 || height <= 2) return v.slice();
  const out = new Float64Array(2 * width + 2 * height - 4);
  let k = 0;
  for (let x = 0; x < width; x++) {
    out[k++] = v[x] as number;
    out[k++] = v[(height - 1) * width + x] as number;
  }
  for (let y = 1; y < height - 1; y++) {
    out[k++] = v[y * width] as number;
    out[k++] = v[y * width + width - 1] as number;
  }
  return out;
}

/**
 * For each of `m` target cells covering `n` source cells, the source indices it
 * overlaps and the fraction of the target cell each covers (summing to 1).
 */
function areaWeights(n: number, m: number): { index: number[]; weight: number[] }[] {
  const step = n / m;
  const cells = [];
  for (let t = 0; t < m; t++) {
    const a = t * step;
    const b = (t + 1) * step;
    const index: number[] = [];
    const weight: number[] = [];
    for (let s = Math.floor(a); s < Math.min(n, Math.ceil(b)); s++) {
      const overlap = Math.min(b, s + 1) - Math.max(a, s);
      if (overlap > 0) {
        index.push(s);
        weight.push(overlap / step);
      }
    }
    cells.push({ index, weight });
  }
  return cells;
}

/** Area-average resampling of the `cw x ch` crop at (x0, y0) of `src` to `tw x th`. */
function resample(
  src: Float64Array,
  width: number,
  x0: number,
  y0: number,
  cw: number,
  ch: number,
  tw: number,
  th: number,
): Float64Array {
  const wx = areaWeights(cw, tw);
  const wy = areaWeights(ch, th);
  const rows = new Float64Array(ch * tw);
  for (let y = 0; y < ch; y++) {
    const base = (y0 + y) * width + x0;
    for (let t = 0; t < tw; t++) {
      const { index, weight } = wx[t]!;
      let s = 0;
      for (let k = 0; k < index.length; k++)
        s += (weight[k] as number) * (src[base + index[k]!] as number);
      rows[y * tw + t] = s;
    }
  }
  const out = new Float64Array(th * tw);
  for (let t = 0; t < th; t++) {
    const { index, weight } = wy[t]!;
    for (let x = 0; x < tw; x++) {
      let s = 0;
      for (let k = 0; k < index.length; k++)
        s += (weight[k] as number) * (rows[index[k]! * tw + x] as number);
      out[t * tw + x] = s;
    }
  }
  return out;
}
