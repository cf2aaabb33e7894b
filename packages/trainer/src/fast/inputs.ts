import type { FloatArray } from '@mlisp/tensor';

// How the engine stores a data set's input rows in linear memory: as 8-bit pixels where every value
// is one (a quarter or an eighth of the memory), else as values of the engine's type; either way
// each row in the first layer's column order (layout.ts, inputOrder).

/** What storing inputs needs of an engine. */
export interface InputStore {
  readonly memory: WebAssembly.Memory;
  /** Bytes per value: 4 (float32) or 8 (float64). */
  readonly size: number;
  /** pixelBytes32/64: converts `count` values at `src` to bytes at `dst`; 1 if all were pixels. */
  readonly toBytes: (src: number, count: number, dst: number) => number;
  /** The first layer's column order, when its inputs are stored in tiles. */
  readonly columns: Int32Array | undefined;
  /** Grows the memory to at least this many bytes. */
  reserve(bytes: number): void;
}

/** Input values checked and converted to pixel bytes per kernel call. */
const PIXEL_CHUNK = 1 << 13;

const align = (bytes: number): number => Math.ceil(bytes / 64) * 64;

function floats(store: InputStore, at: number, length: number): FloatArray {
  return store.size === 4
    ? new Float32Array(store.memory.buffer, at, length)
    : new Float64Array(store.memory.buffer, at, length);
}

/**
 * Stores input values from `at`, reserving the memory: as bytes when every value is, in the
 * engine's type, a pixel k/255 (checked and converted by the kernels in chunks copied after the
 * bytes; see assembly/pixels.ts), else as values of that type. Returns whether as bytes.
 */
export function storeInputs(store: InputStore, values: FloatArray, at: number): boolean {
  const n = values.length;
  const chunk = Math.min(n, PIXEL_CHUNK);
  const scratch = align(at + n);
  store.reserve(scratch + chunk * store.size);
  let pixels = true;
  for (let i = 0; pixels && i < n; i += chunk) {
    const part = values.subarray(i, Math.min(n, i + chunk));
    floats(store, scratch, part.length).set(part);
    pixels = store.toBytes(scratch, part.length, at + i) === 1;
  }
  if (!pixels) {
    store.reserve(at + n * store.size);
    floats(store, at, n).set(values);
  }
  orderRows(store, at, n, pixels ? 1 : store.size);
  return pixels;
}

/**
 * Puts each row of `count` values (`bytes` bytes each) at `at` in the first layer's column order,
 * in place: a pair of columns at a time (see inputOrder), as 16-bit (pixels) or 32-bit words.
 */
function orderRows(store: InputStore, at: number, count: number, bytes: number): void {
  const order = store.columns;
  if (order === undefined) return;
  const words = bytes === 1 ? Uint16Array : Uint32Array;
  const w = bytes === 1 ? 1 : bytes / 2; // words per pair
  const all = new words(store.memory.buffer, at, (count * bytes) / words.BYTES_PER_ELEMENT);
  const row = new words((order.length / 2) * w);
  const from = Int32Array.from(
    row,
    (_, t) => ((order[2 * Math.floor(t / w)] as number) >> 1) * w + (t % w),
  );
  for (let r = 0; r < all.length; r += row.length) {
    row.set(all.subarray(r, r + row.length));
    for (let t = 0; t < row.length; t++) all[r + t] = row[from[t] as number] as number;
  }
}
