/**
 * The steps that find a handwritten digit in a photograph or scan, used by
 * `prepareDigit`: the paper's background (a smooth surface fitted to it, so
 * uneven lighting goes), which way round the ink is, the ink/paper threshold
 * (Otsu), the stroke components, and the stroke width.
 */

/** A grey image: `width * height` values, row by row. */
export interface Plane {
  readonly width: number;
  readonly height: number;
  readonly data: Float64Array;
}

/** The median of `values` (copied, not reordered). */
export function median(values: ArrayLike<number>): number {
  const sorted = Float64Array.from(values).sort();
  return sorted.length === 0 ? 0 : (sorted[sorted.length >> 1] as number);
}

/** Area-average resampling of `src` to `tw x th` (each target pixel averages the source area it covers). */
export function resampleArea(src: Plane, tw: number, th: number): Plane {
  const wx = areaWeights(src.width, tw);
  const wy = areaWeights(src.height, th);
  const rows = new Float64Array(src.height * tw);
  for (let y = 0; y < src.height; y++) {
    const base = y * src.width;
    for (let t = 0; t < tw; t++) {
      const { index, weight } = wx[t]!;
      let s = 0;
      for (let k = 0; k < index.length; k++) s += weight[k]! * src.data[base + index[k]!]!;
      rows[y * tw + t] = s;
    }
  }
  const out = new Float64Array(th * tw);
  for (let t = 0; t < th; t++) {
    const { index, weight } = wy[t]!;
    for (let x = 0; x < tw; x++) {
      let s = 0;
      for (let k = 0; k < index.length; k++) s += weight[k]! * rows[index[k]! * tw + x]!;
      out[t * tw + x] = s;
    }
  }
  return { width: tw, height: th, data: out };
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

/** Solves the n x n system `a x = b` (row-major) by Gaussian elimination with partial pivoting. */
function solve(a: Float64Array, b: Float64Array, n: number): Float64Array {
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r * n + c]!) > Math.abs(a[p * n + c]!)) p = r;
    if (Math.abs(a[p * n + c]!) < 1e-12) continue; // a flat direction: leave that coefficient 0
    for (let k = 0; k < n; k++) [a[c * n + k], a[p * n + k]] = [a[p * n + k]!, a[c * n + k]!];
    [b[c], b[p]] = [b[p]!, b[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = a[r * n + c]! / a[c * n + c]!;
      for (let k = c; k < n; k++) a[r * n + k]! -= f * a[c * n + k]!;
      b[r]! -= f * b[c]!;
    }
  }
  const x = new Float64Array(n);
  for (let r = n - 1; r >= 0; r--) {
    const d = a[r * n + r]!;
    if (Math.abs(d) < 1e-12) continue;
    let s = b[r]!;
    for (let k = r + 1; k < n; k++) s -= a[r * n + k]! * x[k]!;
    x[r] = s / d;
  }
  return x;
}

/** Terms of the background surface at (u, v) in [-1, 1]²: a quadratic in both directions. */
function terms(u: number, v: number, out: Float64Array): void {
  out[0] = 1;
  out[1] = u;
  out[2] = v;
  out[3] = u * u;
  out[4] = u * v;
  out[5] = v * v;
}

/**
 * The paper's brightness everywhere: a quadratic surface fitted by least
 * squares to the pixels that are not ink. The first fit takes every pixel;
 * each of the next ones leaves out those more than 2.5 robust standard
 * deviations from the last surface (the ink, of either colour). A lighting
 * gradient or vignette is thereby removed along with the paper's grey level.
 *
 * @returns the surface and the robust standard deviation of the paper's noise
 */
export function fitBackground(img: Plane): { background: Float64Array; noise: number } {
  const { width, height, data } = img;
  const n = width * height;
  const background = new Float64Array(n).fill(median(data));
  const keep = new Uint8Array(n).fill(1);
  const t = new Float64Array(6);
  const residual = new Float64Array(n);
  let noise = 0;
  for (let pass = 0; pass < 4; pass++) {
    if (pass > 0) {
      const ata = new Float64Array(36);
      const atb = new Float64Array(6);
      for (let y = 0; y < height; y++) {
        const v = height === 1 ? 0 : (2 * y) / (height - 1) - 1;
        for (let x = 0; x < width; x++) {
          const i = y * width + x;
          if (keep[i] === 0) continue;
          terms(width === 1 ? 0 : (2 * x) / (width - 1) - 1, v, t);
          for (let r = 0; r < 6; r++) {
            atb[r]! += t[r]! * data[i]!;
            for (let c = 0; c < 6; c++) ata[r * 6 + c]! += t[r]! * t[c]!;
          }
        }
      }
      const coef = solve(ata, atb, 6);
      for (let y = 0; y < height; y++) {
        const v = height === 1 ? 0 : (2 * y) / (height - 1) - 1;
        for (let x = 0; x < width; x++) {
          terms(width === 1 ? 0 : (2 * x) / (width - 1) - 1, v, t);
          let s = 0;
          for (let r = 0; r < 6; r++) s += coef[r]! * t[r]!;
          background[y * width + x] = s;
        }
      }
    }
    for (let i = 0; i < n; i++) residual[i] = Math.abs(data[i]! - background[i]!);
    // Robust standard deviation of the paper: 1.4826 x the median absolute residual.
    noise = 1.4826 * median(residual);
    const cut = Math.max(2.5 * noise, 0.02);
    for (let i = 0; i < n; i++) keep[i] = residual[i]! <= cut ? 1 : 0;
  }
  return { background, noise };
}

/**
 * +1 when the ink is lighter than the paper, −1 when darker: the sign of the
 * skewness of the residuals (the paper's noise is symmetric, the ink is a
 * one-sided tail). 0 when there is no tail at all.
 */
export function inkSign(residual: Float64Array): number {
  let m2 = 0;
  let m3 = 0;
  for (const r of residual) {
    m2 += r * r;
    m3 += r * r * r;
  }
  if (m2 === 0) return 0;
  return m3 > 0 ? 1 : m3 < 0 ? -1 : 0;
}

/** 3 x 3 box blur (edges use the pixels that exist). */
export function blur3(img: Plane): Float64Array {
  const { width, height, data } = img;
  const out = new Float64Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let s = 0;
      let c = 0;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= width) continue;
          s += data[yy * width + xx]!;
          c++;
        }
      }
      out[y * width + x] = s / c;
    }
  }
  return out;
}

/**
 * Otsu's threshold of non-negative values: the level that best separates
 * them into two classes (largest between-class variance), over 256 bins.
 */
export function otsuThreshold(values: Float64Array): number {
  let max = 0;
  for (const v of values) if (v > max) max = v;
  if (max <= 0) return Number.POSITIVE_INFINITY;
  const bins = 256;
  const hist = new Float64Array(bins);
  for (const v of values) hist[Math.min(bins - 1, Math.floor((Math.max(0, v) / max) * bins))]! += 1;
  const total = values.length;
  let sumAll = 0;
  for (let k = 0; k < bins; k++) sumAll += k * hist[k]!;
  let w0 = 0;
  let sum0 = 0;
  let best = -1;
  let level = 0;
  for (let k = 0; k < bins - 1; k++) {
    w0 += hist[k]!;
    sum0 += k * hist[k]!;
    const w1 = total - w0;
    if (w0 === 0 || w1 === 0) continue;
    const between = w0 * w1 * (sum0 / w0 - (sumAll - sum0) / w1) ** 2;
    if (between > best) {
      best = between;
      level = k;
    }
  }
  return ((level + 1) / bins) * max;
}

/** The 8-connected components of a mask: a label per pixel (0 = none) and each component's size. */
export function components(mask: Uint8Array, width: number, height: number) {
  const labels = new Int32Array(mask.length);
  const sizes: number[] = [0];
  const stack: number[] = [];
  for (let start = 0; start < mask.length; start++) {
    if (mask[start] === 0 || labels[start] !== 0) continue;
    const label = sizes.length;
    let size = 0;
    labels[start] = label;
    stack.push(start);
    while (stack.length > 0) {
      const i = stack.pop()!;
      size++;
      const x = i % width;
      const y = (i - x) / width;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= width) continue;
          const j = yy * width + xx;
          if (mask[j] !== 0 && labels[j] === 0) {
            labels[j] = label;
            stack.push(j);
          }
        }
      }
    }
    sizes.push(size);
  }
  return { labels, sizes };
}

/**
 * Chamfer (3-4) distance, in pixels, from every pixel to the nearest pixel
 * where `mask` is `target` (0 on those pixels). Two passes, linear time.
 */
export function distanceTo(
  mask: Uint8Array,
  width: number,
  height: number,
  target: 0 | 1,
): Float64Array {
  const far = 3 * (width + height);
  const d = new Float64Array(mask.length);
  for (let i = 0; i < mask.length; i++) d[i] = mask[i] === target ? 0 : far;
  const at = (x: number, y: number) =>
    x < 0 || y < 0 || x >= width || y >= height ? far : d[y * width + x]!;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      d[i] = Math.min(
        d[i]!,
        at(x - 1, y) + 3,
        at(x, y - 1) + 3,
        at(x - 1, y - 1) + 4,
        at(x + 1, y - 1) + 4,
      );
    }
  }
  for (let y = height - 1; y >= 0; y--) {
    for (let x = width - 1; x >= 0; x--) {
      const i = y * width + x;
      d[i] = Math.min(
        d[i]!,
        at(x + 1, y) + 3,
        at(x, y + 1) + 3,
        at(x + 1, y + 1) + 4,
        at(x - 1, y + 1) + 4,
      );
    }
  }
  for (let i = 0; i < d.length; i++) d[i] = d[i]! / 3;
  return d;
}

/**
 * Mean stroke width of a mask in pixels: twice its area over its boundary
 * (a stroke of width w and length L has area wL and about 2L boundary pixels).
 */
export function strokeWidth(mask: Uint8Array, width: number, height: number): number {
  let area = 0;
  let boundary = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (mask[i] === 0) continue;
      area++;
      if (
        x === 0 ||
        y === 0 ||
        x === width - 1 ||
        y === height - 1 ||
        mask[i - 1] === 0 ||
        mask[i + 1] === 0 ||
        mask[i - width] === 0 ||
        mask[i + width] === 0
      ) {
        boundary++;
      }
    }
  }
  return boundary === 0 ? 0 : (2 * area) / boundary;
}
