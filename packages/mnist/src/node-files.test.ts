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
