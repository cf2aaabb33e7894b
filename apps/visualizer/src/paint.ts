/**
 * Drawing weights and digits on canvases. Sign colours follow TensorFlow
 * Playground: positive weights blue, negative orange, white at zero.
 */

/** Positive weights. */
export const BLUE: readonly [number, number, number] = [8, 119, 189];
/** Negative weights. */
export const ORANGE: readonly [number, number, number] = [245, 147, 34];

/** CSS colour of a weight given the largest magnitude it is compared with. */
export function weightColor(w: number, maxAbs: number, alpha = 1): string {
  const t = maxAbs > 0 ? Math.min(1, Math.abs(w) / maxAbs) : 0;
  const [r, g, b] = w >= 0 ? BLUE : ORANGE;
  return `rgba(${r},${g},${b},${(alpha * (0.15 + 0.85 * t)).toFixed(3)})`;
}

/** Largest |value| in an array-like (0 for an empty one). */
export function maxAbs(values: ArrayLike<number>, start = 0, end = values.length): number {
  let m = 0;
  for (let i = start; i < end; i++) {
    const v = Math.abs(values[i]!);
    if (v > m) m = v;
  }
  return m;
}

function canvasOf(width: number, height: number, scale: number): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  canvas.style.width = `${width * scale}px`;
  canvas.style.height = `${height * scale}px`;
  canvas.style.imageRendering = 'pixelated';
  return canvas;
}

/**
 * Paints `rows x cols` values, starting at `offset`, sign-coloured with
 * intensity |v| / range (range defaults to the largest |v| painted).
 */
export function paintSigned(
  canvas: HTMLCanvasElement,
  values: ArrayLike<number>,
  rows: number,
  cols: number,
  offset = 0,
  range?: number,
): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const m = range ?? maxAbs(values, offset, offset + rows * cols);
  const image = ctx.createImageData(cols, rows);
  const px = image.data;
  for (let i = 0; i < rows * cols; i++) {
    const v = values[offset + i]!;
    const t = m > 0 ? Math.min(1, Math.abs(v) / m) : 0;
    const [r, g, b] = v >= 0 ? BLUE : ORANGE;
    px[4 * i] = Math.round(255 + (r - 255) * t);
    px[4 * i + 1] = Math.round(255 + (g - 255) * t);
    px[4 * i + 2] = Math.round(255 + (b - 255) * t);
    px[4 * i + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
}

/** A new canvas showing values sign-coloured (see {@link paintSigned}). */
export function signedImage(
  values: ArrayLike<number>,
  rows: number,
  cols: number,
  scale: number,
  offset = 0,
  range?: number,
): HTMLCanvasElement {
  const canvas = canvasOf(cols, rows, scale);
  paintSigned(canvas, values, rows, cols, offset, range);
  return canvas;
}

/**
 * Paints a grey image with values in [0, 1] (1 = ink) as dark ink on white,
 * starting at `offset`.
 */
export function paintGray(
  canvas: HTMLCanvasElement,
  values: ArrayLike<number>,
  width: number,
  height: number,
  offset = 0,
): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const image = ctx.createImageData(width, height);
  const px = image.data;
  for (let i = 0; i < width * height; i++) {
    const v = 255 - Math.round(255 * Math.max(0, Math.min(1, values[offset + i]!)));
    px[4 * i] = v;
    px[4 * i + 1] = v;
    px[4 * i + 2] = v;
    px[4 * i + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
}

/** A new canvas showing a grey image (see {@link paintGray}). */
export function grayImage(
  values: ArrayLike<number>,
  width: number,
  height: number,
  scale: number,
  offset = 0,
): HTMLCanvasElement {
  const canvas = canvasOf(width, height, scale);
  paintGray(canvas, values, width, height, offset);
  return canvas;
}
