import { NoDigitError, prepareDigit } from '@mlisp/mnist';
import { loadBundledSync } from '@mlisp/mnist/node';
import { describe, expect, it } from 'vitest';

/** Distance from (x, y) to the segment (ax, ay)-(bx, by). */
function segmentDistance(x: number, y: number, [ax, ay, bx, by]: number[]): number {
  const dx = bx! - ax!;
  const dy = by! - ay!;
  const t = Math.max(0, Math.min(1, ((x - ax!) * dx + (y - ay!) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - (ax! + t * dx), y - (ay! + t * dy));
}

/** Ink (0..1, anti-aliased) of a "7" drawn with a 5 px pen on a width x height canvas. */
function sevenInk(width: number, height: number): Float64Array {
  const strokes = [
    [20, 10, 80, 10],
    [80, 10, 60, 50],
  ];
  const ink = new Float64Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const d = Math.min(...strokes.map((s) => segmentDistance(x + 0.5, y + 0.5, s)));
      ink[y * width + x] = Math.max(0, Math.min(1, 3 - d));
    }
  }
  return ink;
}

const toBytes = (v: Float64Array, f: (x: number) => number) =>
  Uint8ClampedArray.from(v, (x) => Math.round(255 * f(x)));

/** Bounding box and centre of mass (in pixel indices) of a 28 x 28 image. */
function measure(img: Float64Array) {
  let x0 = 28;
  let x1 = -1;
  let y0 = 28;
  let y1 = -1;
  let m = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const v = img[y * 28 + x]!;
      if (v > 0) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
      m += v;
      mx += v * x;
      my += v * y;
    }
  }
  return { width: x1 - x0 + 1, height: y1 - y0 + 1, cx: mx / m, cy: my / m, mass: m };
}

function correlation(a: Float64Array, b: Float64Array): number {
  const mean = (v: Float64Array) => v.reduce((s, x) => s + x, 0) / v.length;
  const ma = mean(a);
  const mb = mean(b);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += (a[i]! - ma) * (b[i]! - mb);
    aa += (a[i]! - ma) ** 2;
    bb += (b[i]! - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

function expectClose(a: Float64Array, b: Float64Array, tol = 1e-12): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) if (!(Math.abs(a[i]! - b[i]!) <= tol)) expect(a[i]).toBe(b[i]);
}

const W = 100;
const H = 60;
const ink = sevenInk(W, H);
const darkOnLight = toBytes(ink, (v) => 1 - v);
const lightOnDark = darkOnLight.map((v) => 255 - v);

describe('prepareDigit', () => {
  it('fits a dark-on-light 100x60 drawing into 20x20, centred by mass at (14, 14)', () => {
    const out = prepareDigit(darkOnLight, W, H);
    expect(out).toBeInstanceOf(Float64Array);
    expect(out.length).toBe(784);
    expect(out.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(Math.max(...out)).toBe(1);
    const m = measure(out);
    expect(m.width).toBeLessThanOrEqual(20);
    expect(m.height).toBeLessThanOrEqual(20);
    // The ink spans about 66 x 46 source pixels, so the longer side fills 20
    // and the shorter keeps the aspect ratio (46 / 66 * 20 = 14).
    expect(m.width).toBe(20);
    expect(m.height).toBeGreaterThanOrEqual(13);
    expect(m.height).toBeLessThanOrEqual(15);
    expect(Math.abs(m.cx - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(m.cy - 14)).toBeLessThanOrEqual(0.5);
  });

  it('inverts automatically: light-on-dark input gives the same result', () => {
    const a = prepareDigit(darkOnLight, W, H);
    expectClose(prepareDigit(lightOnDark, W, H), a);
    expectClose(prepareDigit(lightOnDark, W, H, { invert: false }), a);
    expectClose(prepareDigit(darkOnLight, W, H, { invert: true }), a);
    // Forcing the wrong reading: nothing is lighter (darker) than the paper.
    expect(() => prepareDigit(darkOnLight, W, H, { invert: false })).toThrow(NoDigitError);
    expect(() => prepareDigit(lightOnDark, W, H, { invert: true })).toThrow(NoDigitError);
  });

  it('treats Float64 0..1 input like bytes / 255', () => {
    const f = Float64Array.from(darkOnLight, (v) => v / 255);
    expectClose(prepareDigit(f, W, H), prepareDigit(darkOnLight, W, H));
    expect(prepareDigit(Uint8Array.from(darkOnLight), W, H)).toEqual(
      prepareDigit(darkOnLight, W, H),
    );
  });

  it('ignores a grey paper background', () => {
    const grey = toBytes(ink, (v) => 0.9 - 0.9 * v);
    const out = prepareDigit(grey, W, H);
    const m = measure(out);
    expect(m.width).toBe(20);
    expect(m.height).toBeLessThanOrEqual(15);
    expect(correlation(out, prepareDigit(darkOnLight, W, H))).toBeGreaterThan(0.99);
  });

  it('reads faint ink like full ink (contrast is measured against the stroke)', () => {
    const faint = toBytes(ink, (v) => 0.3 * v);
    expect(correlation(prepareDigit(faint, W, H), prepareDigit(lightOnDark, W, H))).toBeGreaterThan(
      0.99,
    );
    expect(Math.max(...prepareDigit(faint, W, H, { normalize: false }))).toBeLessThanOrEqual(1);
  });

  it('scales a small solid blob to span the 20x20 box, centred by mass', () => {
    const dot = new Uint8Array(9 * 9);
    for (let y = 3; y < 6; y++) for (let x = 3; x < 6; x++) dot[y * 9 + x] = 255;
    const m = measure(prepareDigit(dot, 9, 9));
    expect([m.width, m.height]).toEqual([20, 20]);
    expect(Math.abs(m.cx - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(m.cy - 14)).toBeLessThanOrEqual(0.5);
  });

  it('keeps the aspect ratio of a tall bar', () => {
    const bar = new Uint8Array(40 * 80);
    for (let y = 10; y < 60; y++) for (let x = 15; x < 25; x++) bar[y * 40 + x] = 255;
    const m = measure(prepareDigit(bar, 40, 80));
    expect(m.height).toBe(20);
    expect(m.width).toBe(4);
    expect(m.cx).toBeCloseTo(14.5, 12);
    expect(m.cy).toBeCloseTo(14.5, 12);
  });

  it('uses the centring convention of MNIST, so real digits come out nearly unchanged', () => {
    const { test } = loadBundledSync();
    let far = 0;
    let close = 0;
    for (let r = 0; r < test.size; r++) {
      const digit = test.images.data.slice(r * 784, (r + 1) * 784);
      const m = measure(digit);
      if (Math.abs(m.cx - 14) > 0.501 || Math.abs(m.cy - 14) > 0.501) far++;
      if (r < 200 && correlation(prepareDigit(digit, 28, 28), digit) >= 0.95) close++;
    }
    expect(far).toBe(0);
    // The rest are moved by a pixel (a centre of mass on the rounding edge) or
    // lose a stray mark that is not part of the digit.
    expect(close).toBeGreaterThanOrEqual(190);
  });

  it('throws NoDigitError for blank paper, noise, lighting alone and faint or tiny marks', () => {
    const noise = (seed: number, level: number, amp: number) => {
      let s = seed;
      return Uint8Array.from({ length: W * H }, () => {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        return Math.round(level + amp * (s / 2 ** 32 - 0.5) * 2);
      });
    };
    const gradient = Uint8Array.from({ length: W * H }, (_, i) => 170 + (80 * (i % W)) / W);
    const faintSeven = toBytes(ink, (v) => 0.8 - 0.03 * v);
    const speck = new Uint8Array(W * H).fill(230);
    speck[30 * W + 50] = 0;
    const cases: [string, Uint8Array | Uint8ClampedArray, number, number][] = [
      ['white', new Uint8Array(30 * 20).fill(255), 30, 20],
      ['black', new Uint8Array(30 * 20).fill(0), 30, 20],
      ['grey', new Uint8Array(30 * 20).fill(128), 30, 20],
      ['one pixel', new Uint8Array(1), 1, 1],
      ['noise on grey paper', noise(1, 200, 25), W, H],
      ['a lighting gradient 170 -> 250', gradient, W, H],
      ['a stroke 3% darker than the paper', faintSeven, W, H],
      ['one dark speck', speck, W, H],
    ];
    for (const [name, gray, w, h] of cases) {
      expect(() => prepareDigit(gray, w, h), name).toThrow(NoDigitError);
      expect(() => prepareDigit(gray, w, h), name).toThrow(/^no digit found: /);
    }
  });

  it('reads the 7 on noisy grey paper and under a lighting gradient like the clean 7', () => {
    const clean = prepareDigit(darkOnLight, W, H);
    let s = 7;
    const rand = () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 2 ** 32 - 0.5;
    };
    const noisy = toBytes(ink, (v) => (220 + 20 * rand()) / 255 - 0.8 * v);
    const lit = Uint8ClampedArray.from(ink, (v, i) => 170 + (80 * (i % W)) / W - 160 * v);
    for (const img of [noisy, lit]) {
      expect(correlation(prepareDigit(img, W, H), clean)).toBeGreaterThan(0.95);
    }
  });

  it('keeps the largest stroke and drops a separate blot far from it', () => {
    const blotted = Uint8ClampedArray.from(darkOnLight);
    const big = new Uint8ClampedArray(300 * 120).fill(255);
    for (let y = 0; y < H; y++) big.set(blotted.subarray(y * W, (y + 1) * W), (y + 30) * 300 + 10);
    for (let y = 100; y < 106; y++) for (let x = 280; x < 286; x++) big[y * 300 + x] = 0;
    expect(
      correlation(prepareDigit(big, 300, 120), prepareDigit(darkOnLight, W, H)),
    ).toBeGreaterThan(0.99);
  });

  it('rejects wrong lengths, sizes, types, values and options', () => {
    expect(() => prepareDigit(new Uint8Array(10), 4, 3)).toThrow(
      new RangeError('gray has 10 values but a 4x3 image needs 12'),
    );
    expect(() => prepareDigit(new Uint8Array(0), 0, 0)).toThrow(
      new TypeError('width must be a positive integer, got 0'),
    );
    expect(() => prepareDigit(new Uint8Array(6), 3, 2.5)).toThrow(
      new TypeError('height must be a positive integer, got 2.5'),
    );
    expect(() => prepareDigit([0, 1] as unknown as Uint8Array, 2, 1)).toThrow(
      /gray must be a Float64Array or Float32Array \(0\.\.1\), Uint8Array or Uint8ClampedArray \(0\.\.255\), got Array/,
    );
    expect(() => prepareDigit(Float64Array.from([0, 2]), 2, 1)).toThrow(
      new TypeError('gray[1] must be in [0, 1] for a Float64Array, got 2'),
    );
    expect(() => prepareDigit(Float64Array.from([Number.NaN]), 1, 1)).toThrow(
      /gray\[0\] .* got NaN/,
    );
    expect(() => prepareDigit(new Uint8Array(1), 1, 1, { invert: 'yes' as 'auto' })).toThrow(
      new TypeError("options.invert must be 'auto', true or false, got yes"),
    );
  });
});
