import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pc from 'picocolors';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../src/atomic.js';
import { drawDigit, drawDigitCompact, sideBySide } from '../src/draw.js';
import { decodePngGrey, isPng } from '../src/png.js';
import { epochHeader, formatEpochLine, formatSeconds } from '../src/progress.js';

const plain = pc.createColors(false);

function bar(): Float64Array {
  // A vertical bar in columns 13..14, rows 4..23.
  const px = new Float64Array(784);
  for (let r = 4; r < 24; r++) {
    px[r * 28 + 13] = 1;
    px[r * 28 + 14] = 0.6;
  }
  return px;
}

describe('drawDigit', () => {
  it('draws every pixel as two characters of its shade inside a frame', () => {
    const lines = drawDigit(bar());
    expect(lines).toHaveLength(30);
    expect(lines.every((l) => [...l].length === 58)).toBe(true);
    expect(lines[5]).toBe(`│${'  '.repeat(13)}██▒▒${'  '.repeat(13)}│`);
    expect(lines[1]).toBe(`│${' '.repeat(56)}│`);
  });

  it('compact: one character per column, two pixel rows per line', () => {
    const lines = drawDigitCompact(bar());
    expect(lines).toHaveLength(14);
    expect(lines[2]).toBe(`${' '.repeat(13)}██${' '.repeat(13)}`);
    expect(lines[0]).toBe(' '.repeat(28));
  });

  it('refuses a picture that is not 28x28', () => {
    expect(() => drawDigit(new Float64Array(10))).toThrow(/784 pixels, got 10/);
  });

  it('sideBySide pads each block', () => {
    expect(sideBySide([['ab', 'a'], ['x']], 1)).toEqual(['ab x', 'a']);
  });
});

describe('decodePngGrey', () => {
  function png(width: number, height: number, rgba: (x: number, y: number) => number[]): Buffer {
    const image = new PNG({ width, height });
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        image.data.set(rgba(x, y), 4 * (y * width + x));
      }
    }
    return PNG.sync.write(image);
  }

  it('reads colour as luminance in [0, 1]', () => {
    const bytes = png(5, 4, (x) =>
      x === 2 ? [0, 0, 0, 255] : x === 3 ? [255, 0, 0, 255] : [255, 255, 255, 255],
    );
    expect(isPng(bytes)).toBe(true);
    const img = decodePngGrey(bytes);
    expect([img.width, img.height]).toEqual([5, 4]);
    expect(Array.from(img.pixels.subarray(0, 5))).toEqual([1, 1, 0, 0.299, 1]);
  });

  it('lays ink on transparency over a contrasting background', () => {
    const dark = decodePngGrey(png(3, 3, (x) => (x === 1 ? [0, 0, 0, 255] : [0, 0, 0, 0])));
    expect(Array.from(dark.pixels.subarray(0, 3))).toEqual([1, 0, 1]);
    const white = decodePngGrey(png(3, 3, (x) => (x === 1 ? [255, 255, 255, 255] : [0, 0, 0, 0])));
    expect(Array.from(white.pixels.subarray(0, 3))).toEqual([0, 1, 0]);
  });

  it('knows a PNG from other bytes', () => {
    expect(isPng(new TextEncoder().encode('{"format":1}'))).toBe(false);
  });
});

describe('writeFileAtomic', () => {
  it('writes the whole file, creates folders and leaves no temp file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlisp-atomic-'));
    const path = join(dir, 'sub', 'model.json');
    writeFileAtomic(path, 'one');
    writeFileAtomic(path, new Uint8Array([116, 119, 111]));
    expect(readFileSync(path, 'utf8')).toBe('two');
    expect(readdirSync(join(dir, 'sub'))).toEqual(['model.json']);
  });
});

describe('epoch lines', () => {
  it('formats one aligned row per epoch', () => {
    const columns = ['batchCost', 'testCost', 'testAccuracy'] as const;
    const line = formatEpochLine(
      {
        epoch: 3,
        batchCost: 0.51234,
        testCost: 0.4,
        testAccuracy: 0.9421,
        eta: 0.5,
        seconds: 2.25,
      },
      30,
      columns,
      plain,
    );
    expect(line).toBe('     3/30     0.5123     0.4000     94.21%     0.5    2.3s');
    expect(epochHeader(columns, plain)).toBe(
      '    epoch batch cost test cost*   test acc       η    time',
    );
  });

  it('shows validation figures, and a figure that was not computed as NaN', () => {
    const columns = ['batchCost', 'validationCost', 'validationAccuracy'] as const;
    const line = formatEpochLine(
      { epoch: 1, validationCost: 0.25, validationAccuracy: 0.5, eta: 0.125, seconds: 61 },
      1,
      columns,
      plain,
    );
    expect(line).toBe('      1/1        NaN     0.2500     50.00%   0.125   1m01s');
    expect(epochHeader(columns, plain)).toBe(
      '    epoch batch cost  val cost*    val acc       η    time',
    );
  });

  it('formats durations', () => {
    expect(formatSeconds(0.84)).toBe('0.8s');
    expect(formatSeconds(125)).toBe('2m05s');
    expect(formatSeconds(3720)).toBe('1h02m');
  });
});
