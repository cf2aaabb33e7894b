import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { type Dataset, encodeIdx, IdxFormatError, type MnistSplit, subset } from '@mlisp/mnist';
import {
  loadBundledSync,
  MNIST_FILES,
  readIdxFile,
  readMnistFolder,
  writeMnistFolder,
} from '@mlisp/mnist/node';
import { fromTypedArray, Rng } from '@mlisp/tensor';
import { afterAll, describe, expect, it } from 'vitest';

const root = mkdtempSync(join(tmpdir(), 'mlisp-mnist-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirCount = 0;
const freshDir = () => join(root, `d${dirCount++}`);

/** A random dataset whose pixels are multiples of 1/255 (exact through IDX). */
function randomDataset(n: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const data = Float64Array.from({ length: n * 784 }, () => rng.int(256) / 255);
  const labels = Uint8Array.from({ length: n }, () => rng.int(10));
  return { images: fromTypedArray(data, n, 784), labels, size: n };
}
const sample: MnistSplit = { train: randomDataset(30, 1), test: randomDataset(7, 2) };

async function rejection(promise: Promise<unknown>): Promise<IdxFormatError> {
  try {
    await promise;
  } catch (e) {
    expect(e).toBeInstanceOf(IdxFormatError);
    return e as IdxFormatError;
  }
  throw new Error('expected a rejection');
}

describe('writeMnistFolder / readMnistFolder', () => {
  for (const gzip of [false, true]) {
    it(`round-trips train and test exactly (${gzip ? 'gzip' : 'plain'})`, async () => {
      const dir = freshDir();
      const written = await writeMnistFolder(dir, sample, { gzip });
      const suffix = gzip ? '.gz' : '';
      expect(written).toEqual(Object.values(MNIST_FILES).map((name) => join(dir, name + suffix)));
      expect(readdirSync(dir).sort()).toEqual(
        Object.values(MNIST_FILES)
          .map((n) => n + suffix)
          .sort(),
      );
      const raw = readFileSync(written[0]!);
      const bytes = gzip ? gunzipSync(raw) : raw;
      expect(Array.from(bytes.subarray(0, 16))).toEqual([
        0, 0, 8, 3, 0, 0, 0, 30, 0, 0, 0, 28, 0, 0, 0, 28,
      ]);
      expect(bytes[16]).toBe(Math.round(255 * sample.train.images.data[0]!));
      const back = await readMnistFolder(dir);
      for (const key of ['train', 'test'] as const) {
        expect(back[key].size).toBe(sample[key].size);
        expect(back[key].labels).toEqual(sample[key].labels);
        expect(back[key].images.data).toEqual(sample[key].images.data);
      }
    });
  }

  it('writes the bundled digits within half a byte level (round(255 v))', async () => {
    const bundled = loadBundledSync();
    const data = { train: subset(bundled.train, 200), test: subset(bundled.test, 50) };
    const dir = freshDir();
    await writeMnistFolder(dir, data, { gzip: true });
    const back = await readMnistFolder(dir);
    const a = data.train.images.data;
    const b = back.train.images.data;
    for (let i = 0; i < a.length; i++)
      if (Math.abs(a[i]! - b[i]!) > 1 / 510) expect(b[i]).toBeCloseTo(a[i]!, 3);
    expect(back.test.labels).toEqual(data.test.labels);
  });

  it('replaces the other variant so a rewrite is what is read back', async () => {
    const dir = freshDir();
    await writeMnistFolder(dir, sample);
    const other: MnistSplit = { train: randomDataset(3, 3), test: randomDataset(2, 4) };
    await writeMnistFolder(dir, other, { gzip: true });
    expect(readdirSync(dir).every((n) => n.endsWith('.gz'))).toBe(true);
    expect((await readMnistFolder(dir)).train.images.data).toEqual(other.train.images.data);
  });

  it('reads the dotted spelling (train-images.idx3-ubyte) and gzip detected by content', async () => {
    const dir = freshDir();
    const names = await writeMnistFolder(dir, sample);
    writeFileSync(join(dir, 'train-images.idx3-ubyte'), gzipSync(readFileSync(names[0]!)));
    rmSync(names[0]!);
    const back = await readMnistFolder(dir);
    expect(back.train.images.data).toEqual(sample.train.images.data);
  });

  it('leaves no temporary files and validates before writing anything', async () => {
    const dir = freshDir();
    await writeMnistFolder(dir, sample, { gzip: true });
    expect(readdirSync(dir).some((n) => n.endsWith('.tmp'))).toBe(false);
    const bad = freshDir();
    const broken = { train: sample.train, test: { ...sample.test, size: 99 } };
    await expect(writeMnistFolder(bad, broken)).rejects.toThrow(RangeError);
    await expect(writeMnistFolder(bad, null as unknown as MnistSplit)).rejects.toThrow(TypeError);
    expect(existsSync(bad)).toBe(false);
  });
});

/** The pid of a process that has certainly ended: a child that ran and was reaped. */
function deadPid(): number {
  for (;;) {
    const { pid } = spawnSync(process.execPath, ['-e', '']);
    if (pid === undefined) throw new Error('could not spawn node');
    try {
      process.kill(pid, 0); // reused already: try another
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ESRCH') return pid;
    }
  }
}

describe('stale temporary files', () => {
  it("a write removes its targets' temporary files left by dead processes, and nothing else", async () => {
    const dir = freshDir();
    mkdirSync(dir);
    const dead = deadPid();
    const images = MNIST_FILES.trainImages;
    const stale = [
      `${images}.${dead}.1.tmp`,
      `${images}.${dead}.12.tmp`,
      `${MNIST_FILES.testLabels}.${dead}.3.tmp`,
    ];
    const kept = [
      `${images}.${process.pid}.999.tmp`, // this process: alive
      `${images}.1.1.tmp`, // pid 1 (init): alive, or EPERM, which means alive
      `${images}.gz.${dead}.1.tmp`, // another target (the .gz is not written)
      `${images}.${dead}.x.tmp`,
      `${images}.${dead}.1.tmp.bak`,
      `${images}.0${dead}.1.tmp`,
      `${images}.${dead}.tmp`,
      `.${images}.${dead}.0a1b2c3d.tmp`, // the CLI's naming, not this package's
      `other.${dead}.1.tmp`,
    ];
    for (const name of [...stale, ...kept]) writeFileSync(join(dir, name), 'half-written');
    await writeMnistFolder(dir, sample);
    const names = Object.values(MNIST_FILES) as string[];
    expect(readdirSync(dir).sort()).toEqual([...names, ...kept].sort());
    expect((await readMnistFolder(dir)).train.images.data).toEqual(sample.train.images.data);
  });
});

describe('readMnistFolder errors', () => {
  it('names a missing folder', async () => {
    const dir = join(root, 'nope');
    const e = await rejection(readMnistFolder(dir));
    expect(e.message).toBe(`${dir}: folder not found`);
    expect(e.file).toBe(dir);
  });

  it('names a missing file and its folder', async () => {
    const dir = freshDir();
    await writeMnistFolder(dir, sample);
    rmSync(join(dir, MNIST_FILES.testLabels));
    const e = await rejection(readMnistFolder(dir));
    expect(e.file).toBe(join(dir, 't10k-labels-idx1-ubyte'));
    expect(e.message).toContain(
      `missing t10k-labels-idx1-ubyte (or t10k-labels-idx1-ubyte.gz) in folder ${dir}`,
    );
  });

  it('reports truncated data with the byte counts', async () => {
    const dir = freshDir();
    const [images] = await writeMnistFolder(dir, sample);
    writeFileSync(images!, readFileSync(images!).subarray(0, 1000));
    const e = await rejection(readMnistFolder(dir));
    expect(e.file).toBe(images);
    expect(e.message).toMatch(
      /truncated IDX data: the header declares 30x28x28 uint8, so expected 23536 bytes, got 1000/,
    );
  });

  it('reports a wrong magic number, swapped files and bad gzip data', async () => {
    const dir = freshDir();
    const [images, labels] = await writeMnistFolder(dir, sample);
    const swapped = readFileSync(images!);
    writeFileSync(images!, readFileSync(labels!));
    let e = await rejection(readMnistFolder(dir));
    expect(e.message).toMatch(
      /expected MNIST images \(uint8, 3 dimensions n x 28 x 28\), got uint8 with dims 30/,
    );
    const wrongMagic = Uint8Array.from(swapped);
    wrongMagic[0] = 8;
    writeFileSync(images!, wrongMagic);
    e = await rejection(readMnistFolder(dir));
    expect(e.message).toMatch(/wrong magic number 0x08000803/);
    rmSync(images!);
    writeFileSync(`${images}.gz`, Uint8Array.from([0x1f, 0x8b, 1, 2, 3]));
    e = await rejection(readMnistFolder(dir));
    expect(e.file).toBe(`${images}.gz`);
    expect(e.message).toMatch(/not valid gzip data/);
  });

  it('reports count mismatches, wrong image sizes and labels out of range', async () => {
    const dir = freshDir();
    const [images, labels] = await writeMnistFolder(dir, sample);
    writeFileSync(labels!, encodeIdx({ type: 'uint8', dims: [29], data: new Uint8Array(29) }));
    let e = await rejection(readMnistFolder(dir));
    expect(e.message).toContain(
      `image/label count mismatch: 30 images in ${images} but 29 labels in ${labels}`,
    );
    writeFileSync(
      labels!,
      encodeIdx({ type: 'uint8', dims: [30], data: new Uint8Array(30).fill(12) }),
    );
    e = await rejection(readMnistFolder(dir));
    expect(e.file).toBe(labels);
    expect(e.message).toMatch(/label 12 at index 0 is outside 0\.\.9/);
    writeFileSync(
      images!,
      encodeIdx({ type: 'uint8', dims: [30, 32, 32], data: new Uint8Array(30 * 1024) }),
    );
    e = await rejection(readMnistFolder(dir));
    expect(e.message).toMatch(/images are 32x32 pixels, but MNIST images are 28x28/);
  });

  it('rejects a forged 10^9-image header in a file', async () => {
    const dir = freshDir();
    const [images] = await writeMnistFolder(dir, sample);
    const bytes = Uint8Array.from(readFileSync(images!));
    new DataView(bytes.buffer).setUint32(4, 1e9);
    writeFileSync(images!, bytes);
    const e = await rejection(readMnistFolder(dir));
    expect(e.message).toMatch(/expected 784000000016 bytes, got 23536/);
  });
});

describe('readIdxFile', () => {
  it('reads plain and gzip files and names a missing one', async () => {
    const dir = freshDir();
    mkdirSync(dir);
    const idx = { type: 'int32' as const, dims: [2, 2], data: Int32Array.from([1, -2, 3, -4]) };
    writeFileSync(join(dir, 'a.idx'), encodeIdx(idx));
    writeFileSync(join(dir, 'a.idx.gz'), gzipSync(encodeIdx(idx)));
    for (const name of ['a.idx', 'a.idx.gz']) {
      const back = await readIdxFile(join(dir, name));
      expect(back.dims).toEqual([2, 2]);
      expect(Array.from(back.data)).toEqual([1, -2, 3, -4]);
    }
    const e = await rejection(readIdxFile(join(dir, 'b.idx')));
    expect(e.message).toBe(`${join(dir, 'b.idx')}: file not found`);
  });
});

/** An IDX header: magic (type code, dimension count) and the dims, big-endian. */
function idxHeader(code: number, dims: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(4 + 4 * dims.length);
  const view = new DataView(bytes.buffer);
  bytes[2] = code;
  bytes[3] = dims.length;
  for (const [i, d] of dims.entries()) view.setUint32(4 + 4 * i, d);
  return bytes;
}

/**
 * A gzip bomb: `head` compressed, then the same gzip member of 1 MiB of zeros
 * `mebibytes` times (gunzip reads concatenated members as one stream). About 1 KB
 * per MiB, so its 4.4 MB inflate to more than 4 GiB, more than a Buffer can hold:
 * a reader that decompressed it all could not get past it.
 */
function gzipBomb(head: Uint8Array, mebibytes: number): Uint8Array {
  const member = gzipSync(new Uint8Array(1 << 20));
  return Buffer.concat([gzipSync(head), ...Array.from({ length: mebibytes }, () => member)]);
}
const BOMB_MIB = 4100;

/** N of "stopped decompressing at N bytes". */
const stoppedAt = (message: string) =>
  Number(/stopped decompressing at (\d+) bytes$/.exec(message)?.[1]);

describe('gzip-compressed IDX files are decompressed no further than their header promises', () => {
  it('refuses a gzip bomb behind a valid header within one chunk of what the header promises', async () => {
    const dir = freshDir();
    mkdirSync(dir);
    const file = join(dir, 'train-images-idx3-ubyte.gz');
    const valid = encodeIdx({ type: 'uint8', dims: [10, 28, 28], data: new Uint8Array(7840) });
    writeFileSync(file, gzipBomb(valid, BOMB_MIB));
    const e = await rejection(readIdxFile(file));
    expect(e.file).toBe(file);
    expect(
      e.message.startsWith(
        `${file}: the gzip data decompresses to more than the 7856 bytes its IDX header promises (10x28x28 uint8); stopped decompressing at `,
      ),
    ).toBe(true);
    // Stopped within one 64 KiB output chunk past the promise, of the 4 GiB on offer.
    expect(stoppedAt(e.message)).toBeGreaterThan(7856);
    expect(stoppedAt(e.message)).toBeLessThanOrEqual(7856 + 64 * 1024);

    // The same through readMnistFolder, which names the file it found.
    writeFileSync(
      join(dir, MNIST_FILES.trainLabels),
      encodeIdx({ type: 'uint8', dims: [10], data: new Uint8Array(10) }),
    );
    const f = await rejection(readMnistFolder(dir));
    expect(f.file).toBe(file);
    expect(f.message).toContain('decompresses to more than the 7856 bytes its IDX header promises');
  });

  it('refuses a header whose dims promise more than 2 GiB without decompressing the rest', async () => {
    const dir = freshDir();
    mkdirSync(dir);
    const file = join(dir, 'huge.idx.gz');
    const max = 0xffffffff;
    writeFileSync(file, gzipBomb(idxHeader(0x0e, [max, max, max]), BOMB_MIB));
    const e = await rejection(readIdxFile(file));
    expect(e.message).toBe(
      `${file}: the IDX header declares ${max}x${max}x${max} float64, so ${16 + max ** 3 * 8} bytes, more than the 2147483647 bytes (2 GiB) a gzip-compressed IDX file may decompress to; not decompressing it`,
    );
    // One byte over the limit is refused the same way ...
    writeFileSync(file, gzipSync(idxHeader(0x08, [2 ** 31 - 8])));
    expect((await rejection(readIdxFile(file))).message).toBe(
      `${file}: the IDX header declares 2147483640 uint8, so 2147483648 bytes, more than the 2147483647 bytes (2 GiB) a gzip-compressed IDX file may decompress to; not decompressing it`,
    );
    // ... while at the limit the data is read and found truncated.
    writeFileSync(file, gzipSync(idxHeader(0x08, [2 ** 31 - 9])));
    expect((await rejection(readIdxFile(file))).message).toBe(
      `${file}: truncated IDX data: the header declares 2147483639 uint8, so expected 2147483647 bytes, got 8`,
    );
  });

  it('reports a .gz holding less data than its header promises as truncated, with the byte counts', async () => {
    const dir = freshDir();
    const [images] = await writeMnistFolder(dir, sample);
    const gz = `${images}.gz`;
    writeFileSync(gz, gzipSync(readFileSync(images!).subarray(0, 1000)));
    rmSync(images!);
    const e = await rejection(readMnistFolder(dir));
    expect(e.file).toBe(gz);
    expect(e.message).toBe(
      `${gz}: truncated IDX data: the header declares 30x28x28 uint8, so expected 23536 bytes, got 1000`,
    );
    // A forged 10^9-image header (784 GB promised) behind a small body, likewise.
    const forged = Uint8Array.from(readFileSync(join(dir, MNIST_FILES.trainLabels)));
    new DataView(forged.buffer).setUint32(4, 1e9);
    writeFileSync(join(dir, 'forged.gz'), gzipSync(forged));
    expect((await rejection(readIdxFile(join(dir, 'forged.gz')))).message).toMatch(
      /truncated IDX data: the header declares 1000000000 uint8, so expected 1000000008 bytes, got 38$/,
    );
  });

  it('refuses a few bytes more than promised, and reads exactly the promise', async () => {
    const dir = freshDir();
    mkdirSync(dir);
    const file = join(dir, 'a.idx.gz');
    const bytes = encodeIdx({ type: 'int16', dims: [3], data: Int16Array.from([1, -2, 3]) });
    writeFileSync(file, gzipSync(Buffer.concat([bytes, Buffer.from([0, 0, 0, 0])])));
    const e = await rejection(readIdxFile(file));
    expect(e.message).toBe(
      `${file}: the gzip data decompresses to more than the 14 bytes its IDX header promises (3 int16); stopped decompressing at 18 bytes`,
    );
    writeFileSync(file, gzipSync(bytes));
    expect(Array.from((await readIdxFile(file)).data)).toEqual([1, -2, 3]);
  });

  it('reads every IDX type from .gz, and reports header errors as parseIdx does', async () => {
    const dir = freshDir();
    mkdirSync(dir);
    const file = join(dir, 't.idx.gz');
    const arrays = [
      { type: 'uint8', data: Uint8Array.from([0, 255]) },
      { type: 'int8', data: Int8Array.from([-128, 127]) },
      { type: 'int16', data: Int16Array.from([-300, 300]) },
      { type: 'int32', data: Int32Array.from([-70000, 70000]) },
      { type: 'float32', data: Float32Array.from([0.5, -1.25]) },
      { type: 'float64', data: Float64Array.from([Math.PI, -Math.E]) },
    ] as const;
    for (const { type, data } of arrays) {
      writeFileSync(file, gzipSync(encodeIdx({ type, dims: [1, 2], data })));
      const back = await readIdxFile(file);
      expect(back.type).toBe(type);
      expect(back.dims).toEqual([1, 2]);
      expect(Array.from(back.data)).toEqual(Array.from(data));
    }
    const cases: [Uint8Array, RegExp][] = [
      [Uint8Array.from([1, 0, 8, 1, 0, 0, 0, 0]), /wrong magic number 0x01000801/],
      [idxHeader(0x0a, [2]), /unsupported IDX type code 0x0a/],
      [Uint8Array.from([0, 0, 8, 0]), /IDX header declares 0 dimensions/],
      [
        idxHeader(0x08, [1, 2, 3]).subarray(0, 10),
        /truncated IDX header: 3 dimensions need 16 bytes, got 10/,
      ],
      [Uint8Array.from([0, 0]), /truncated IDX header: expected at least 4 bytes, got 2/],
      [new Uint8Array(0), /truncated IDX header: expected at least 4 bytes, got 0/],
    ];
    for (const [bytes, message] of cases) {
      writeFileSync(file, gzipSync(bytes));
      const e = await rejection(readIdxFile(file));
      expect(e.file).toBe(file);
      expect(e.message).toMatch(message);
    }
    // A wrong magic number behind which a bomb waits: refused at the first chunk.
    writeFileSync(file, gzipBomb(Uint8Array.from([0x41, 0x41, 0x41, 0x41]), BOMB_MIB));
    expect((await rejection(readIdxFile(file))).message).toMatch(/wrong magic number 0x41414141/);
  });
});
