/**
 * Text pictures of 28x28 digits (grey values in [0, 1], light on dark, row by row).
 */

/** Side of an MNIST image. */
export const SIDE = 28;

const SHADES = [' ', '░', '▒', '▓', '█'] as const;

function pixel(pixels: ArrayLike<number>, row: number, col: number): number {
  const v = pixels[row * SIDE + col] ?? 0;
  return Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0;
}

function checkLength(pixels: ArrayLike<number>): void {
  if (pixels.length !== SIDE * SIDE) {
    throw new RangeError(`a digit has ${SIDE * SIDE} pixels, got ${pixels.length}`);
  }
}

/**
 * The digit at full resolution in a frame: one text row per pixel row, two
 * characters per pixel (so it looks square), five shades of grey.
 *
 * @param pixels - 784 grey values in [0, 1], row by row
 * @returns 30 lines of 58 characters
 */
export function drawDigit(pixels: ArrayLike<number>): string[] {
  checkLength(pixels);
  const lines = [`┌${'─'.repeat(2 * SIDE)}┐`];
  for (let r = 0; r < SIDE; r++) {
    let line = '│';
    for (let c = 0; c < SIDE; c++) {
      const shade = SHADES[Math.round(pixel(pixels, r, c) * (SHADES.length - 1))] ?? ' ';
      line += shade + shade;
    }
    lines.push(`${line}│`);
  }
  lines.push(`└${'─'.repeat(2 * SIDE)}┘`);
  return lines;
}

/**
 * The digit at half height: one character per pixel column and one text row
 * per two pixel rows (upper and lower half blocks), pixels ≥ `threshold` ink.
 *
 * @param pixels - 784 grey values in [0, 1], row by row
 * @param threshold - the grey value from which a pixel counts as ink
 * @returns 14 lines of 28 characters
 */
export function drawDigitCompact(pixels: ArrayLike<number>, threshold = 0.35): string[] {
  checkLength(pixels);
  const lines: string[] = [];
  for (let r = 0; r < SIDE; r += 2) {
    let line = '';
    for (let c = 0; c < SIDE; c++) {
      const top = pixel(pixels, r, c) >= threshold;
      const bottom = pixel(pixels, r + 1, c) >= threshold;
      line += top ? (bottom ? '█' : '▀') : bottom ? '▄' : ' ';
    }
    lines.push(line);
  }
  return lines;
}

/**
 * Blocks of text lines set side by side, each padded to its widest line,
 * separated by `gap` spaces.
 */
export function sideBySide(blocks: readonly (readonly string[])[], gap = 3): string[] {
  const widths = blocks.map((b) => Math.max(0, ...b.map((line) => [...line].length)));
  const height = Math.max(0, ...blocks.map((b) => b.length));
  const lines: string[] = [];
  for (let i = 0; i < height; i++) {
    const parts = blocks.map((b, k) => {
      const line = b[i] ?? '';
      return line + ' '.repeat((widths[k] ?? 0) - [...line].length);
    });
    lines.push(parts.join(' '.repeat(gap)).trimEnd());
  }
  return lines;
}
