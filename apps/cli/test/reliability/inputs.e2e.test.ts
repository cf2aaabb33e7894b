// Inputs that could exhaust the machine or hang the CLI (issue 18): devices
// and FIFOs given as files, IDX paths that are folders or over 2 GiB, a test
// set with no digits, model files with absurd declared shapes or padding,
// PNG decompression bombs and truncated PNGs; and a byte-order mark, which
// is no reason to refuse a model. Each refusal must come fast (a safety
// timeout turns a hang into a failure) and name what is wrong.
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGzip, deflateSync, gzipSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomModel } from '../helpers.js';
import { spawnCli } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'mlisp-inputs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (name: string) => join(dir, name);
const FAST = { timeoutMs: 20_000 };
let model = '';
let idx = '';

beforeAll(async () => {
  model = at('model.json');
  writeFileSync(model, JSON.stringify(randomModel([784, 10], ['sigmoid'])));
  idx = at('idx');
  const r = await spawnCli(['data', 'export', '--out', idx]);
  expect(r.code, r.stderr).toBe(0);
});

describe('special files as inputs', () => {
  it('eval /dev/zero and a FIFO as MODEL: refused at once with exit 2, no hang', async () => {
    const fifo = at('model.fifo');
    execFileSync('mkfifo', [fifo]);
    for (const [path, kind] of [
      ['/dev/zero', 'a character device'],
      [fifo, 'a FIFO'],
    ] as const) {
      const r = await spawnCli(['eval', path], FAST);
      expect(r.timedOut, path).toBe(false);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`MODEL: '${path}' is ${kind}`);
    }
    const png = await spawnCli(['predict', model, '--image', fifo], FAST);
    expect(png.timedOut).toBe(false);
    expect(png.code).toBe(2);
    expect(png.stderr).toContain('--image:');
  });

  it('--data with an IDX path that is a folder, a FIFO or over 2 GiB: a clear message naming the file', async () => {
    const make = (name: string, replace: (path: string) => void) => {
      const folder = at(name);
      mkdirSync(folder);
      for (const f of [
        'train-images-idx3-ubyte',
        'train-labels-idx1-ubyte',
        't10k-images-idx3-ubyte',
        't10k-labels-idx1-ubyte',
      ]) {
        copyFileSync(join(idx, f), join(folder, f));
      }
      const target = join(folder, 't10k-images-idx3-ubyte');
      rmSync(target);
      replace(target);
      return folder;
    };
    const cases = [
      [
        make('dir-as-idx', (p) => mkdirSync(p)),
        /t10k-images-idx3-ubyte: is a folder, not an IDX file/,
      ],
      [
        make('fifo-as-idx', (p) => execFileSync('mkfifo', [p])),
        /t10k-images-idx3-ubyte: is not a regular file/,
      ],
      [
        make('huge-idx', (p) => {
          const fd = openSync(p, 'w'); // sparse: no disk space used
          closeSync(fd);
          execFileSync('truncate', ['-s', String(2 ** 31 + 16), p]);
        }),
        /t10k-images-idx3-ubyte: has 2147483664 bytes, more than the 2147483647 bytes \(2 GiB\)/,
      ],
    ] as const;
    for (const [folder, message] of cases) {
      const r = await spawnCli(['eval', model, '--data', folder], FAST);
      expect(r.timedOut).toBe(false);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('--test 10 on a .gz whose honest header declares 350,000 test images: refused from the header', async () => {
    const folder = at('honest-huge');
    mkdirSync(folder);
    for (const f of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte']) {
      copyFileSync(join(idx, f), join(folder, f));
    }
    const n = 350_000;
    const header = Buffer.alloc(16);
    header.writeUInt32BE(0x803, 0);
    header.writeUInt32BE(n, 4);
    header.writeUInt32BE(28, 8);
    header.writeUInt32BE(28, 12);
    const gzip = createGzip({ level: 1 });
    const chunks: Buffer[] = [];
    gzip.on('data', (c: Buffer) => chunks.push(c));
    const ended = new Promise((resolve) => gzip.on('end', resolve));
    gzip.write(header);
    const zeros = Buffer.alloc(784 * 1000); // blank images: 274 MB of pixels, 270 KB gzipped
    for (let i = 0; i < n / 1000; i++) gzip.write(zeros);
    gzip.end();
    await ended;
    writeFileSync(join(folder, 't10k-images-idx3-ubyte.gz'), Buffer.concat(chunks));
    const labels = Buffer.alloc(8 + n);
    labels.writeUInt32BE(0x801, 0);
    labels.writeUInt32BE(n, 4);
    writeFileSync(join(folder, 't10k-labels-idx1-ubyte.gz'), gzipSync(labels));
    const r = await spawnCli(['eval', model, '--data', folder, '--test', '10'], FAST);
    expect(r.timedOut).toBe(false);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(
      /declares 350000 images of 28x28: as float64 pixels they would take 2\.0 GiB/,
    );
  });

  it('eval on a test set of 0 digits is an error, not "0.00% (0/0)"', async () => {
    const folder = at('empty-test');
    mkdirSync(folder);
    for (const f of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte'])
      copyFileSync(join(idx, f), join(folder, f));
    // Valid IDX headers for 0 images of 28x28 and 0 labels.
    writeFileSync(
      join(folder, 't10k-images-idx3-ubyte'),
      Buffer.from([0, 0, 8, 3, 0, 0, 0, 0, 0, 0, 0, 28, 0, 0, 0, 28]),
    );
    writeFileSync(join(folder, 't10k-labels-idx1-ubyte'), Buffer.from([0, 0, 8, 1, 0, 0, 0, 0]));
    const r = await spawnCli(['eval', model, '--data', folder]);
    expect(r.code, r.stdout).toBe(2);
    expect(r.stderr).toMatch(/test set of MNIST files in .* has no digits/);
  });
});

describe('model files', () => {
  it('a byte-order mark is accepted', async () => {
    const bom = at('bom.json');
    writeFileSync(bom, `\uFEFF${readFileSync(model, 'utf8')}`);
    const r = await spawnCli(['eval', bom, '--test', '10', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).total).toBe(10);
  });

  it('absurd declared shapes and padded files are refused before parsing, fast', async () => {
    // 20,000,000 neurons of one weight each: 40 MB of "[0]," would take GBs to parse.
    const rows = 2_000_000;
    const padded = at('padded.json');
    writeFileSync(
      padded,
      `{"format":"mlisp-network","version":1,"sizes":[784,10],"activations":["sigmoid"],"cost":"cross-entropy","weights":[[${'[0],'.repeat(rows)}[0]]],"biases":[[0,0,0,0,0,0,0,0,0,0]],"meta":{}}`,
    );
    const absurd = at('absurd.json');
    writeFileSync(
      absurd,
      '{"format":"mlisp-network","version":1,"sizes":[784,20000000,10],"activations":["sigmoid","sigmoid"],"cost":"cross-entropy","weights":[],"biases":[],"meta":{}}',
    );
    const p = await spawnCli(['eval', padded], FAST);
    expect(p.code).toBe(2);
    expect(p.stderr).toMatch(
      /holds 2,000,0\d\d arrays, far more than the \d+ its sizes \[784,10\] need; not parsing it/,
    );
    const a = await spawnCli(['eval', absurd], FAST);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(
      /sizes declares 15,900,000,010 weights and biases, more than the 10,000,000/,
    );
  });
});

describe('PNG images', () => {
  /** A PNG of width x height 8-bit grey pixels, all zero, built by hand (chunks and zlib). */
  function greyPng(width: number, height: number, cutImageData = false): Buffer {
    const crcTable = Array.from({ length: 256 }, (_, n) => {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      return c >>> 0;
    });
    const crc = (bytes: Buffer) => {
      let c = 0xffffffff;
      for (const b of bytes) c = (crcTable[(c ^ b) & 0xff] as number) ^ (c >>> 8);
      return (c ^ 0xffffffff) >>> 0;
    };
    const chunk = (type: string, data: Buffer) => {
      const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
      const out = Buffer.alloc(12 + data.length);
      out.writeUInt32BE(data.length, 0);
      body.copy(out, 4);
      out.writeUInt32BE(crc(body), 8 + data.length);
      return out;
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(width, 0);
    ihdr.writeUInt32BE(height, 4);
    ihdr[8] = 8; // bit depth
    ihdr[9] = 0; // grey
    const raw = Buffer.alloc(height * (1 + width)); // a filter byte and the pixels of each row
    if (cutImageData) {
      // Some texture, so that half of the compressed data is half of the image.
      for (let i = 0; i < raw.length; i++) raw[i] = i % (width + 1) === 0 ? 0 : (i * 7) & 255;
    }
    const z = deflateSync(raw, { level: 9 });
    return Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', ihdr),
      // Cut: only the first half of the image data, yet chunk by chunk whole and ending with IEND.
      chunk('IDAT', cutImageData ? z.subarray(0, z.length >> 1) : z),
      chunk('IEND', Buffer.alloc(0)),
    ]);
  }

  it('a 1 x 25,000,000 decompression bomb within the pixel limit is refused before decoding', async () => {
    const bomb = at('bomb.png');
    const bytes = greyPng(1, 25_000_000);
    expect(bytes.length).toBeLessThan(100_000);
    writeFileSync(bomb, bytes);
    const r = await spawnCli(['predict', model, '--image', bomb], FAST);
    expect(r.timedOut).toBe(false);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /decoding its 1x25000000 pixels would take about \d+ MiB, more than the 256 MiB allowed/,
    );
  });

  it('a truncated PNG is refused; the whole file is read', async () => {
    const png = new PNG({ width: 28, height: 28 });
    png.data.fill(255);
    const whole = PNG.sync.write(png);
    const good = at('digit.png');
    writeFileSync(good, whole);
    const ok = await spawnCli(['predict', model, '--image', good, '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    const cut = at('cut.png');
    writeFileSync(cut, whole.subarray(0, whole.length - 12)); // without its IEND chunk
    const r = await spawnCli(['predict', model, '--image', cut]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--image: .* is not a readable PNG \(it is truncated/);
    // Cut inside its image data but still ending with IEND: the decoder alone accepted this.
    const half = at('half.png');
    writeFileSync(half, greyPng(28, 28, true));
    const h = await spawnCli(['predict', model, '--image', half]);
    expect(h.code, h.stdout).toBe(2);
    expect(h.stderr).toMatch(/--image: .* is not a readable PNG \(its image data is truncated/);
  });
});
