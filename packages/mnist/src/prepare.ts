import { IMAGE_PIXELS, IMAGE_SIDE } from './dataset.js';
import { NoDigitError } from './errors.js';
import { describe } from './idx.js';
import {
  blur3,
  components,
  distanceTo,
  fitBackground,
  inkSign,
  median,
  otsuThreshold,
  type Plane,
  resampleArea,
  strokeWidth,
} from './photo.js';

/** Options of {@link prepareDigit}. */
export interface PrepareDigitOptions {
  /**
   * Whether the input is dark ink on a light background and must be inverted:
   * `'auto'` (default) decides from the image (the ink is the one-sided tail of
   * what differs from the paper), `true` takes dark ink, `false` light ink.
   */
  invert?: 'auto' | boolean;
  /** Rescale the result so its brightest pixel is 1, as in MNIST (default true). */
  normalize?: boolean;
}

/** Side of the box the digit is scaled to fit, as in MNIST. */
const BOX = 20;
/** Longest side an image is reduced to (area averaging) before the digit is looked for. */
const WORK_SIDE = 400;
/** Ink must stand this many noise standard deviations above the paper to be a stroke. */
const MIN_CONTRAST_SIGMAS = 4;
/** ...and this much in absolute terms (grey levels 0..1). */
const MIN_CONTRAST = 0.06;
/** Ink below this fraction of a full stroke is treated as the paper's noise. */
const NOISE_FLOOR = 0.05;
/** Other components are kept when at least this fraction of the largest one's size. */
const PART_FRACTION = 0.2;
/** ...or at least this fraction and close to it. */
const NEAR_PART_FRACTION = 0.02;
/**
 * Stroke widths (2 x area / boundary, in pixels of the 20 x 20 box) of MNIST's
 * pens: 98% of the bundled test digits lie between THIN and THICK (median 3.2).
 * Thinner strokes are thickened to THIN_TARGET, thicker ones thinned to THICK_TARGET.
 */
const THIN = 2.0;
const THIN_TARGET = 3.0;
const THICK = 5.8;
const THICK_TARGET = 4.5;

/**
 * Turns a grey image of one handwritten digit (a photo, a scan or a canvas
 * drawing, any size) into an MNIST-style 28 x 28 input, the way LeCun's MNIST
 * was made from scanned forms:
 *
 * 1. pixels to [0, 1] (Uint8 values are divided by 255); an image larger than
 *    400 pixels on its longer side is first reduced to 400 (area averaging);
 * 2. the paper's background is estimated as a smooth (quadratic) surface fitted
 *    to the pixels that are not ink, and subtracted, which removes grey paper
 *    and uneven lighting;
 * 3. the ink's polarity is detected (dark on light or light on dark, from the
 *    skew of what remains; see `options.invert`);
 * 4. ink and paper are separated by Otsu's threshold (of the ink lightly
 *    blurred, so noise does not break strokes);
 * 5. the largest 8-connected stroke component is the digit, with any other
 *    component at least a fifth its size, and smaller pieces next to it (a
 *    digit written in several strokes); specks, noise and marks elsewhere are
 *    dropped;
 * 6. the pen is normalised: strokes thinner than 2 or thicker than 5.8
 *    pixels once scaled into the 20 x 20 box (the range of 98% of MNIST's
 *    digits) are thickened to 3 or thinned to 4.5 (a distance transform);
 * 7. the digit is cropped, scaled (area averaging) so its longer side is 20
 *    pixels, keeping the aspect ratio, and (`options.normalize`) rescaled so
 *    its brightest pixel is 1;
 * 8. placed in a 28 x 28 field, shifted by whole pixels so that its centre of
 *    mass, in pixel indices (x = column, y = row), is within half a pixel of
 *    (14, 14) on each axis, as in MNIST; only if that would push ink off the
 *    field is the box moved just enough to stay inside.
 *
 * An image without a digit (blank, only noise or lighting, marks fainter than
 * 4 noise standard deviations or 0.06 grey levels, or too small to be a stroke)
 * throws {@link NoDigitError}.
 *
 * @param gray - grey values, row-major, `width * height` of them: 0..255 for
 *   Uint8Array / Uint8ClampedArray, 0..1 for Float64Array / Float32Array (convert RGBA first)
 * @param width - image width in pixels, a positive integer
 * @param height - image height in pixels, a positive integer
 * @param options - ink polarity and normalisation, see {@link PrepareDigitOptions}
 * @returns 784 values in [0, 1], row-major 28 x 28, light ink on black, ready
 *   to be one row of an input batch
 * @throws TypeError for bad sizes, options, array types or Float values
 *   outside [0, 1]; RangeError when `gray.length !== width * height`;
 *   NoDigitError when no digit is found
 */
export function prepareDigit(
  gray: Float64Array | Float32Array | Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
  options: PrepareDigitOptions = {},
): Float64Array {
  const digit = findDigit(toUnit(gray, width, height, options), options.invert ?? 'auto');
  return placeInField(digit, options.normalize !== false);
}

/** Validates the input and returns it as grey values in [0, 1], reduced to WORK_SIDE if larger. */
function toUnit(
  gray: Float64Array | Float32Array | Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
  options: PrepareDigitOptions,
): Plane {
  if (!Number.isInteger(width) || width < 1) {
    throw new TypeError(`width must be a positive integer, got ${String(width)}`);
  }
  if (!Number.isInteger(height) || height < 1) {
    throw new TypeError(`height must be a positive integer, got ${String(height)}`);
  }
  const isBytes = gray instanceof Uint8Array || gray instanceof Uint8ClampedArray;
  if (!isBytes && !(gray instanceof Float64Array) && !(gray instanceof Float32Array)) {
    throw new TypeError(
      `gray must be a Float64Array or Float32Array (0..1), Uint8Array or Uint8ClampedArray (0..255), got ${describe(gray)}`,
    );
  }
  if (gray.length !== width * height) {
    throw new RangeError(
      `gray has ${gray.length} values but a ${width}x${height} image needs ${width * height}`,
    );
  }
  const invert = options.invert ?? 'auto';
  if (invert !== 'auto' && invert !== true && invert !== false) {
    throw new TypeError(`options.invert must be 'auto', true or false, got ${String(invert)}`);
  }
  const data = new Float64Array(gray.length);
  for (let i = 0; i < gray.length; i++) {
    const v = gray[i] as number;
    if (!isBytes && !(v >= 0 && v <= 1)) {
      throw new TypeError(`gray[${i}] must be in [0, 1] for a ${describe(gray)}, got ${v}`);
    }
    data[i] = isBytes ? v / 255 : v;
  }
  const img = { width, height, data };
  const side = Math.max(width, height);
  if (side <= WORK_SIDE) return img;
  const f = WORK_SIDE / side;
  return resampleArea(img, Math.max(1, Math.round(width * f)), Math.max(1, Math.round(height * f)));
}

/** Steps 2-6: the digit's ink (light on dark, 0..1) on a plane the size of the image. */
function findDigit(img: Plane, invert: 'auto' | boolean): Plane {
  const { width, height, data } = img;
  const n = data.length;
  const { background, noise } = fitBackground(img);
  const residual = new Float64Array(n);
  for (let i = 0; i < n; i++) residual[i] = data[i]! - background[i]!;
  const sign = invert === 'auto' ? inkSign(residual) : invert ? -1 : 1;
  if (sign === 0) throw new NoDigitError('the image is one flat grey');
  const ink = new Float64Array(n);
  for (let i = 0; i < n; i++) ink[i] = Math.max(0, sign * residual[i]!);
  const smooth = blur3({ width, height, data: ink });
  const level = otsuThreshold(smooth);
  const mask = new Uint8Array(n);
  for (let i = 0; i < n; i++) mask[i] = smooth[i]! > level ? 1 : 0;
  const { labels, sizes } = components(mask, width, height);
  let largest = 0;
  for (let k = 1; k < sizes.length; k++) if (sizes[k]! > (sizes[largest] ?? 0)) largest = k;
  const minArea = Math.max(6, 0.0004 * n);
  if (largest === 0 || sizes[largest]! < minArea) {
    throw new NoDigitError(
      `no mark of at least ${Math.ceil(minArea)} pixels stands out from the background`,
    );
  }
  const keep = new Uint8Array(n);
  const parts = partsOfDigit(labels, sizes, largest, width);
  const inkOfDigit: number[] = [];
  for (let i = 0; i < n; i++) {
    if (parts.has(labels[i]!)) {
      keep[i] = 1;
      inkOfDigit.push(ink[i]!);
    }
  }
  const strength = median(inkOfDigit);
  // A full stroke's contrast: the 90th percentile of the digit's ink.
  inkOfDigit.sort((a, b) => a - b);
  const full = inkOfDigit[Math.floor(0.9 * (inkOfDigit.length - 1))]!;
  const needed = Math.max(MIN_CONTRAST, MIN_CONTRAST_SIGMAS * noise);
  if (!(strength >= needed)) {
    throw new NoDigitError(
      `the strongest marks are ${strength.toFixed(3)} from the paper's grey, less than the ${needed.toFixed(3)} a stroke needs (noise ${noise.toFixed(3)})`,
    );
  }
  // Ink as 0..1 of a full stroke, on the kept strokes and their anti-aliased rim.
  const rim = distanceTo(keep, width, height, 1);
  const out = new Float64Array(n);
  // Below the floor is the paper's noise (or the fit's rounding), not ink.
  const floor = Math.max(3 * noise, NOISE_FLOOR * full);
  for (let i = 0; i < n; i++) {
    if (rim[i]! <= 1.5 && ink[i]! > floor) out[i] = Math.min(1, ink[i]! / full);
  }
  normalisePen(out, keep, width, height);
  return { width, height, data: out };
}

/**
 * The components that make the digit: the largest, any other at least a fifth
 * its size, and smaller pieces (at least 2% of it) that touch its bounding
 * box grown by a quarter of its size on every side (a stroke the pen lifted from).
 */
function partsOfDigit(
  labels: Int32Array,
  sizes: readonly number[],
  largest: number,
  width: number,
): Set<number> {
  const count = sizes.length;
  const x0 = new Float64Array(count).fill(Number.POSITIVE_INFINITY);
  const y0 = new Float64Array(count).fill(Number.POSITIVE_INFINITY);
  const x1 = new Float64Array(count).fill(-1);
  const y1 = new Float64Array(count).fill(-1);
  for (let i = 0; i < labels.length; i++) {
    const k = labels[i]!;
    if (k === 0) continue;
    const x = i % width;
    const y = (i - x) / width;
    if (x < x0[k]!) x0[k] = x;
    if (x > x1[k]!) x1[k] = x;
    if (y < y0[k]!) y0[k] = y;
    if (y > y1[k]!) y1[k] = y;
  }
  const big = sizes[largest]!;
  const margin = 0.25 * Math.max(x1[largest]! - x0[largest]!, y1[largest]! - y0[largest]!) + 1;
  const parts = new Set<number>([largest]);
  for (let k = 1; k < count; k++) {
    const size = sizes[k]!;
    const near =
      x1[k]! >= x0[largest]! - margin &&
      x0[k]! <= x1[largest]! + margin &&
      y1[k]! >= y0[largest]! - margin &&
      y0[k]! <= y1[largest]! + margin;
    if (size >= PART_FRACTION * big || (near && size >= Math.max(3, NEAR_PART_FRACTION * big))) {
      parts.add(k);
    }
  }
  return parts;
}

/** Step 6: thickens strokes thinner than MNIST's pen, thins thicker ones (in place). */
function normalisePen(out: Float64Array, keep: Uint8Array, width: number, height: number): void {
  const box = bounds(keep, width, height);
  const scale = BOX / Math.max(box.x1 - box.x0 + 1, box.y1 - box.y0 + 1);
  const w = strokeWidth(keep, width, height);
  if (w * scale < THIN) {
    const radius = (THIN_TARGET / scale - w) / 2;
    const d = distanceTo(keep, width, height, 1);
    for (let i = 0; i < out.length; i++) if (d[i]! <= radius) out[i] = 1;
  } else if (w * scale > THICK) {
    const radius = (w - THICK_TARGET / scale) / 2;
    const d = distanceTo(keep, width, height, 0);
    for (let i = 0; i < out.length; i++) if (d[i]! <= radius) out[i] = 0;
  }
}

/** Bounding box of the non-zero pixels (x1 < 0 when there are none). */
function bounds(v: ArrayLike<number>, width: number, height: number) {
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if ((v[y * width + x] as number) > 0) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return { x0, y0, x1, y1 };
}

/** Steps 7-8: crop, scale into the 20 x 20 box, normalise and centre by mass in 28 x 28. */
function placeInField(digit: Plane, normalize: boolean): Float64Array {
  const out = new Float64Array(IMAGE_PIXELS);
  const { x0, y0, x1, y1 } = bounds(digit.data, digit.width, digit.height);
  if (x1 < 0) throw new NoDigitError('nothing is left of the strokes');
  const cw = x1 - x0 + 1;
  const ch = y1 - y0 + 1;
  const crop = new Float64Array(cw * ch);
  for (let y = 0; y < ch; y++) {
    crop.set(
      digit.data.subarray((y0 + y) * digit.width + x0, (y0 + y) * digit.width + x0 + cw),
      y * cw,
    );
  }
  const scale = BOX / Math.max(cw, ch);
  const tw = Math.min(BOX, Math.max(1, Math.round(cw * scale)));
  const th = Math.min(BOX, Math.max(1, Math.round(ch * scale)));
  const box = resampleArea({ width: cw, height: ch, data: crop }, tw, th).data;
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
  const gain = normalize ? 1 / max : 1;
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
