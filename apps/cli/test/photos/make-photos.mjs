#!/usr/bin/env node
// Makes the real-looking digit photos of test/photos (and photos.json, the
// digit each one shows) for the `mlisp predict --image` test. Each photo is a
// handwritten digit of the bundled MNIST test split (one the network2.py
// fixture model reads right from the raw 28x28 digit), redrawn as a pen stroke
// on a larger canvas and photographed: paper and ink colours, a slight
// rotation, lighting gradients and vignettes, sensor noise, specks, off-centre
// placement, thick and thin pens, PNG or JPEG. Two photos show no digit.
// Deterministic (seeded); run after `pnpm build` from apps/cli:
//   node test/photos/make-photos.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseModelFile } from '@mlisp/formats';
import { loadBundledSync } from '@mlisp/mnist/node';
import { feedforward } from '@mlisp/neurons';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

const here = dirname(fileURLToPath(import.meta.url));
const modelPath = join(here, '../../../../packages/formats/fixtures/network2-mnist.json');
const model = parseModelFile(readFileSync(modelPath, 'utf8'));
const { test } = loadBundledSync();

/** A small seeded generator (mulberry32) and a normal deviate from it. */
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  return { next, normal };
}

/** The first test digit with this label that the model reads right, with a clear margin. */
function sourceDigit(label, skip = 0) {
  let seen = 0;
  for (let i = 0; i < test.size; i++) {
    if (test.labels[i] !== label) continue;
    const pixels = test.images.data.subarray(i * 784, (i + 1) * 784);
    const out = Array.from(feedforward(model.network, pixels));
    const best = out.indexOf(Math.max(...out));
    const second = Math.max(...out.filter((_, k) => k !== best));
    if (best === label && out[best] - second > 0.5 && seen++ === skip) return { index: i, pixels };
  }
  throw new Error(`no test digit ${label}`);
}

/** Bilinear sample of the 28x28 digit at (u, v) in digit pixels. */
function sample(pixels, u, v) {
  const x = u - 0.5;
  const y = v - 0.5;
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  const at = (xx, yy) => (xx < 0 || yy < 0 || xx > 27 || yy > 27 ? 0 : pixels[yy * 28 + xx]);
  return (
    (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0)) +
    fy * ((1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1))
  );
}

/**
 * The ink coverage (0..1) of the digit drawn as a pen stroke `size` pixels
 * high, centred at (cx, cy), rotated by `angle` radians: the smooth digit is
 * thresholded at `level` (lower = thicker pen), then grown (`grow` > 0) or
 * shrunk by that many pixels, antialiased over 4 x 4 subsamples.
 */
function strokeCoverage(pixels, width, height, { cx, cy, size, angle, level, grow = 0 }) {
  const cover = new Float64Array(width * height);
  const k = 28 / size;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const reach = size * 0.75 + Math.abs(grow) + 2;
  const inside = (px, py) => {
    const dx = px - cx;
    const dy = py - cy;
    const u = 14 + k * (cos * dx + sin * dy);
    const v = 14 + k * (-sin * dx + cos * dy);
    return sample(pixels, u, v) > level;
  };
  const inked = (px, py) => {
    if (grow === 0) return inside(px, py);
    const r = Math.abs(grow);
    let any = false;
    let all = true;
    for (let a = 0; a < 8; a++) {
      const t = (a * Math.PI) / 4;
      const s = inside(px + r * Math.cos(t), py + r * Math.sin(t));
      any ||= s;
      all &&= s;
    }
    return grow > 0 ? any || inside(px, py) : all && inside(px, py);
  };
  for (let y = Math.max(0, Math.floor(cy - reach)); y < Math.min(height, cy + reach); y++) {
    for (let x = Math.max(0, Math.floor(cx - reach)); x < Math.min(width, cx + reach); x++) {
      let c = 0;
      for (let sy = 0; sy < 4; sy++) {
        for (let sx = 0; sx < 4; sx++) if (inked(x + (sx + 0.5) / 4, y + (sy + 0.5) / 4)) c++;
      }
      cover[y * width + x] = c / 16;
    }
  }
  return cover;
}

/**
 * An RGB photo: paper colour times lighting, ink laid over it by coverage,
 * then sensor noise. `light(x, y)` is a brightness factor.
 */
function photo(
  width,
  height,
  { paper, ink, cover, light = () => 1, noise = 0, seed = 1, specks = [] },
) {
  const r = rng(seed);
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      let c = cover === null ? 0 : cover[i];
      for (const s of specks) if (Math.hypot(x - s.x, y - s.y) < s.r) c = Math.max(c, s.ink);
      const l = light(x / width, y / height);
      for (let ch = 0; ch < 3; ch++) {
        const v = (paper[ch] * (1 - c) + ink[ch] * c) * l + noise * r.normal();
        rgb[3 * i + ch] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }
  return rgb;
}

function writePng(file, width, height, rgb) {
  const png = new PNG({ width, height });
  for (let i = 0; i < width * height; i++)
    png.data.set([rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2], 255], 4 * i);
  writeFileSync(join(here, file), PNG.sync.write(png));
}

function writeJpeg(file, width, height, rgb, quality) {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++)
    data.set([rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2], 255], 4 * i);
  writeFileSync(join(here, file), jpeg.encode({ width, height, data }, quality).data);
}

const photos = [];
function add(file, digit, what, width, height, rgb, quality) {
  if (file.endsWith('.jpg')) writeJpeg(file, width, height, rgb, quality);
  else writePng(file, width, height, rgb);
  photos.push({ file, digit, what });
}

const WHITE = [245, 245, 240];
const BLACK_INK = [25, 25, 30];

// 1. The case: a clean 7 on 220±10 grey paper (was read as 1).
{
  const d = sourceDigit(7);
  const [w, h] = [240, 240];
  const cover = strokeCoverage(d.pixels, w, h, {
    cx: 120,
    cy: 120,
    size: 170,
    angle: 0,
    level: 0.5,
  });
  add(
    'grey-paper-7.png',
    7,
    `test digit #${d.index} on 220±10 grey paper`,
    w,
    h,
    photo(w, h, { paper: [220, 220, 220], ink: BLACK_INK, cover, noise: 10 / 1.7, seed: 1 }),
  );
}
// 2. The case: a 7 under a 170 -> 250 lighting gradient (was read as 0).
{
  const d = sourceDigit(7, 1);
  const [w, h] = [300, 220];
  const cover = strokeCoverage(d.pixels, w, h, {
    cx: 150,
    cy: 110,
    size: 160,
    angle: 0.05,
    level: 0.5,
  });
  add(
    'gradient-7.png',
    7,
    `test digit #${d.index} under a 170 to 250 left-to-right lighting gradient`,
    w,
    h,
    photo(w, h, {
      paper: [255, 255, 255],
      ink: [40, 40, 40],
      cover,
      light: (u) => (170 + 80 * u) / 255,
      noise: 3,
      seed: 2,
    }),
  );
}
// 3. Light on dark: chalk on a green board.
{
  const d = sourceDigit(3);
  const [w, h] = [320, 240];
  const cover = strokeCoverage(d.pixels, w, h, {
    cx: 165,
    cy: 118,
    size: 180,
    angle: -0.08,
    level: 0.45,
  });
  add(
    'chalkboard-3.png',
    3,
    `test digit #${d.index} in chalk on a dark green board`,
    w,
    h,
    photo(w, h, {
      paper: [40, 62, 50],
      ink: [225, 230, 220],
      cover,
      light: (u, v) => 1.1 - 0.25 * Math.hypot(u - 0.5, v - 0.5),
      noise: 6,
      seed: 3,
    }),
  );
}
// 4. Off-centre: a small digit in the lower right of a big page.
{
  const d = sourceDigit(2);
  const [w, h] = [480, 360];
  const cover = strokeCoverage(d.pixels, w, h, {
    cx: 390,
    cy: 280,
    size: 80,
    angle: 0.1,
    level: 0.5,
  });
  add(
    'off-centre-2.png',
    2,
    `test digit #${d.index}, small, in the lower right corner of a page`,
    w,
    h,
    photo(w, h, {
      paper: WHITE,
      ink: BLACK_INK,
      cover,
      light: (_u, v) => 1 - 0.12 * v,
      noise: 4,
      seed: 4,
    }),
  );
}
// 5. A thick felt marker.
{
  const d = sourceDigit(4);
  const [w, h] = [260, 260];
  const cover = strokeCoverage(d.pixels, w, h, {
    cx: 130,
    cy: 130,
    size: 190,
    angle: 0,
    level: 0.5,
    grow: 4,
  });
  add(
    'thick-marker-4.png',
    4,
    `test digit #${d.index} in a thick felt marker`,
    w,
    h,
    photo(w, h, { paper: WHITE, ink: [10, 10, 10], cover, noise: 3, seed: 5 }),
  );
}
// 6. A thin blue ballpoint.
{
  const d = sourceDigit(0);
  const [w, h] = [360, 360];
  const cover = strokeCoverage(d.pixels, w, h, {
    cx: 180,
    cy: 175,
    size: 260,
    angle: 0.04,
    level: 0.5,
    grow: -5,
  });
  add(
    'thin-pen-0.png',
    0,
    `test digit #${d.index} in a thin blue ballpoint`,
    w,
    h,
    photo(w, h, { paper: WHITE, ink: [30, 50, 150], cover, noise: 3, seed: 6 }),
  );
}
// 7. A phone photo: 1024 x 768 JPEG, vignette, tilt, noise.
{
  const d = sourceDigit(8);
  const [w, h] = [1024, 768];
  const cover = strokeCoverage(d.pixels, w, h, {
    cx: 540,
    cy: 400,
    size: 420,
    angle: -0.12,
    level: 0.5,
  });
  add(
    'phone-photo-8.jpg',
    8,
    `test digit #${d.index}, phone photo: vignette, tilt, noise, JPEG quality 70`,
    w,
    h,
    photo(w, h, {
      paper: [235, 230, 220],
      ink: [30, 30, 35],
      cover,
      light: (u, v) => 1.05 - 0.45 * ((u - 0.45) ** 2 + (v - 0.4) ** 2),
      noise: 7,
      seed: 7,
    }),
    70,
  );
}
// 8. Heavy sensor noise.
{
  const d = sourceDigit(5);
  const [w, h] = [200, 200];
  const cover = strokeCoverage(d.pixels, w, h, {
    cx: 100,
    cy: 100,
    size: 150,
    angle: 0,
    level: 0.5,
  });
  add(
    'heavy-noise-5.png',
    5,
    `test digit #${d.index} under heavy noise (sd 25 grey levels)`,
    w,
    h,
    photo(w, h, { paper: [210, 210, 210], ink: [40, 40, 40], cover, noise: 25, seed: 8 }),
  );
}
// 9. Blue ink on yellow paper, JPEG.
{
  const d = sourceDigit(6);
  const [w, h] = [400, 300];
  const cover = strokeCoverage(d.pixels, w, h, {
    cx: 200,
    cy: 150,
    size: 220,
    angle: 0.06,
    level: 0.5,
  });
  add(
    'yellow-paper-6.jpg',
    6,
    `test digit #${d.index}, blue ink on yellow paper, JPEG quality 80`,
    w,
    h,
    photo(w, h, { paper: [250, 235, 140], ink: [20, 40, 140], cover, noise: 4, seed: 9 }),
    80,
  );
}
// 10. Dust specks and a stray pencil dot around the digit.
{
  const d = sourceDigit(9);
  const [w, h] = [300, 300];
  const cover = strokeCoverage(d.pixels, w, h, {
    cx: 140,
    cy: 150,
    size: 200,
    angle: 0,
    level: 0.5,
  });
  const specks = [
    { x: 30, y: 40, r: 2, ink: 0.8 },
    { x: 270, y: 60, r: 1.5, ink: 0.9 },
    { x: 260, y: 270, r: 6, ink: 0.6 },
    { x: 50, y: 250, r: 1, ink: 1 },
  ];
  add(
    'specks-9.png',
    9,
    `test digit #${d.index} with dust specks and a stray dot`,
    w,
    h,
    photo(w, h, { paper: WHITE, ink: BLACK_INK, cover, specks, noise: 4, seed: 10 }),
  );
}
// 11. A 1 written with a medium pen.
{
  const d = sourceDigit(1);
  const [w, h] = [240, 320];
  const cover = strokeCoverage(d.pixels, w, h, {
    cx: 120,
    cy: 160,
    size: 230,
    angle: 0.05,
    level: 0.5,
  });
  add(
    'pen-1.png',
    1,
    `test digit #${d.index}, a 1 in a medium pen`,
    w,
    h,
    photo(w, h, {
      paper: WHITE,
      ink: BLACK_INK,
      cover,
      light: (u) => 0.9 + 0.1 * u,
      noise: 4,
      seed: 11,
    }),
  );
}
// 12-13. No digit: blank paper under a gradient with noise (JPEG), and plain white.
{
  const [w, h] = [640, 480];
  add(
    'blank-paper.jpg',
    null,
    'blank paper: lighting gradient, vignette and noise, JPEG',
    w,
    h,
    photo(w, h, {
      paper: [240, 238, 230],
      ink: BLACK_INK,
      cover: null,
      light: (u, v) => 0.75 + 0.25 * u - 0.2 * (v - 0.5) ** 2,
      noise: 6,
      seed: 12,
    }),
    75,
  );
  add(
    'blank-white.png',
    null,
    'an all-white image',
    100,
    100,
    photo(100, 100, { paper: [255, 255, 255], ink: BLACK_INK, cover: null }),
  );
}

writeFileSync(join(here, 'photos.json'), `${JSON.stringify(photos, null, 2)}\n`);
process.stdout.write(`wrote ${photos.length} photos and photos.json to ${here}\n`);
