import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGzip, gzipSync } from 'node:zlib';
import { encodeIdx, IdxFormatError } from '@mlisp/mnist';
import { loadBundledSync, readIdxFile, readMnistFolder, writeMnistFolder } from '@mlisp/mnist/node';
import { afterAll, describe, expect, it } from 'vitest';

const root = mkdtempSync(join(tmpdir(), 'mlisp-mnist-files-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function idxError(promise: Promise<unknown>): Promise<IdxFormatError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof IdxFormatError) return e;
    throw e;
  }
  throw new Error('no IdxFormatError');
}

describe('IDX inputs that are not regular files, or too large', () => {
  it('a folder, a FIFO and a sparse file over 2 GiB are refused before reading, naming the file', async () => {
    const dir = join(root, 'inputs');
    mkdirSync(dir);
    mkdirSync(join(dir, 'folder-idx'));
    spawnSync('mkfifo', [join(dir, 'fifo-idx')]);
    const huge = join(dir, 'huge-idx');
    closeSync(openSync(huge, 'w'));
    spawnSync('truncate', ['-s', String(2 ** 31), huge]); // sparse: no disk space used
    expect((await idxError(readIdxFile(join(dir, 'folder-idx')))).message).toMatch(/is a folder/);
    expect((await idxError(readIdxFile(join(dir, 'fifo-idx')))).message).toMatch(
      /is not a regular file/,
    );
    const e = await idxError(readIdxFile(huge));
    expect(e.message).toMatch(/has 2147483648 bytes, more than the 2147483647 bytes \(2 GiB\)/);
    expect(e.message).toContain(huge);
    // A small regular IDX file next to them still reads.
    writeFileSync(
      join(dir, 'ok-idx'),
      encodeIdx({ type: 'uint8', dims: [2], data: new Uint8Array([1, 2]) }),
    );
    expect(Array.from((await readIdxFile(join(dir, 'ok-idx'))).data)).toEqual([1, 2]);
  });

  it('readMnistFolder names a file of the folder that is a folder', async () => {
    const dir = join(root, 'folder-in-folder');
    await writeMnistFolder(dir, loadBundledSync());
    rmSync(join(dir, 't10k-labels-idx1-ubyte'));
    mkdirSync(join(dir, 't10k-labels-idx1-ubyte'));
    const e = await idxError(readMnistFolder(dir));
    expect(e.message).toMatch(/t10k-labels-idx1-ubyte.*is a folder/);
  });
});

describe('writeMnistFolder through symlinks', () => {
  it('writes the file a symlink points to, keeps the link and the mode', async () => {
    const dir = join(root, 'links');
    const elsewhere = join(root, 'elsewhere');
    mkdirSync(dir);
    mkdirSync(elsewhere);
    const target = join(elsewhere, 'labels');
    writeFileSync(target, 'old');
    chmodSync(target, 0o600);
    symlinkSync(target, join(dir, 'train-labels-idx1-ubyte'));
    const split = loadBundledSync();
    await writeMnistFolder(dir, split);
    expect(lstatSync(join(dir, 'train-labels-idx1-ubyte')).isSymbolicLink()).toBe(true);
    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect(readFileSync(target).length).toBe(8 + split.train.size);
  });
});

describe('an honest header declaring more images than a set may take', () => {
  it('is refused from its header, before the gzip data is decompressed or converted', async () => {
    const dir = join(root, 'honest-huge');
    await writeMnistFolder(dir, loadBundledSync(), { gzip: true });
    // 350,000 blank 28x28 images with their labels (274 MB of pixels, 270 KB gzipped).
    const n = 350_000;
    const header = Buffer.alloc(16);
    header.writeUInt32BE(0x00000803, 0);
    header.writeUInt32BE(n, 4);
    header.writeUInt32BE(28, 8);
    header.writeUInt32BE(28, 12);
    const gzip = createGzip({ level: 1 });
    const chunks: Buffer[] = [];
    gzip.on('data', (c: Buffer) => chunks.push(c));
    const ended = new Promise((resolve) => gzip.on('end', resolve));
    gzip.write(header);
    const zeros = Buffer.alloc(784 * 1000);
    for (let i = 0; i < n / 1000; i++) gzip.write(zeros);
    gzip.end();
    await ended;
    writeFileSync(join(dir, 't10k-images-idx3-ubyte.gz'), Buffer.concat(chunks));
    const labels = Buffer.alloc(8 + n);
    labels.writeUInt32BE(0x00000801, 0);
    labels.writeUInt32BE(n, 4);
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte.gz'), gzipSync(labels));
    const e = await idxError(readMnistFolder(dir));
    expect(e.message).toMatch(
      /t10k-images-idx3-ubyte\.gz.*declares 350000 images of 28x28: as float64 pixels they would take 2\.0 GiB, more than the 2 GiB/,
    );
  });
});
