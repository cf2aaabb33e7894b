import { IdxFormatError } from './errors.js';

/** Element type of an IDX array, named after the typed array that holds it. */
export type IdxType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/** The typed arrays an IDX array's data can live in (one per {@link IdxType}). */
export type IdxData =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Float32Array
  | Float64Array;

/**
 * A decoded IDX file: `dims` is the shape (outermost first, e.g. `[60000, 28, 28]`
 * for MNIST training images) and `data` holds the elements row-major.
 */
export interface IdxArray {
  /** Element type (IDX type codes 0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E). */
  readonly type: IdxType;
  /** Size of each dimension, outermost first. */
  readonly dims: readonly number[];
  /** The elements, row-major; its length is the product of `dims`. */
  readonly data: IdxData;
}

interface TypeInfo {
  readonly code: number;
  readonly size: number;
  readonly ctor: new (length: number) => IdxData;
  readonly read: (view: DataView, offset: number) => number;
  readonly write: (view: DataView, offset: number, value: number) => void;
}

const TYPES: Record<IdxType, TypeInfo> = {
  uint8: {
    code: 0x08,
    size: 1,
    ctor: Uint8Array,
    read: (v, o) => v.getUint8(o),
    write: (v, o, x) => v.setUint8(o, x),
  },
  int8: {
    code: 0x09,
    size: 1,
    ctor: Int8Array,
    read: (v, o) => v.getInt8(o),
    write: (v, o, x) => v.setInt8(o, x),
  },
  int16: {
    code: 0x0b,
    size: 2,
    ctor: Int16Array,
    read: (v, o) => v.getInt16(o),
    write: (v, o, x) => v.setInt16(o, x),
  },
  int32: {
    code: 0x0c,
    size: 4,
    ctor: Int32Array,
    read: (v, o) => v.getInt32(o),
    write: (v, o, x) => v.setInt32(o, x),
  },
  float32: {
    code: 0x0d,
    size: 4,
    ctor: Float32Array,
    read: (v, o) => v.getFloat32(o),
    write: (v, o, x) => v.setFloat32(o, x),
  },
  float64: {
    code: 0x0e,
    size: 8,
    ctor: Float64Array,
    read: (v, o) => v.getFloat64(o),
    write: (v, o, x) => v.setFloat64(o, x),
  },
};

const BY_CODE = new Map<number, IdxType>(
  (Object.keys(TYPES) as IdxType[]).map((t) => [TYPES[t].code, t]),
);

/**
 * Name and bytes per element of an IDX type code, or undefined for a code the
 * format does not have (internal: node.ts sizes gzip output with it).
 */
export function idxTypeOfCode(code: number): { type: IdxType; size: number } | undefined {
  const type = BY_CODE.get(code);
  return type === undefined ? undefined : { type, size: TYPES[type].size };
}

const hex = (n: number, width = 2) => `0x${n.toString(16).padStart(width, '0')}`;

/**
 * Decodes the bytes of an IDX file (the format of the MNIST files, big-endian).
 * Sizes are checked against the real byte length before anything is allocated,
 * so a forged header claiming 10^9 images is rejected at once.
 *
 * @param bytes - the whole file (already decompressed if it was `.gz`)
 * @param file - name used in error messages, e.g. `'train-images-idx3-ubyte'`
 * @returns type, dims and a fresh typed array with the elements
 * @throws IdxFormatError on a wrong magic number, an unsupported type code, or
 *   a byte length that does not match the header (truncated or trailing bytes)
 *
 * @example
 * const { type, dims, data } = parseIdx(bytes); // 'uint8', [10000, 28, 28], Uint8Array
 */
export function parseIdx(bytes: Uint8Array, file?: string): IdxArray {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`bytes must be a Uint8Array, got ${describe(bytes)}`);
  }
  if (bytes.length < 4) {
    throw new IdxFormatError(
      `truncated IDX header: expected at least 4 bytes, got ${bytes.length}`,
      file,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const gz =
      bytes[0] === 0x1f && bytes[1] === 0x8b
        ? ' (the data is gzip-compressed: gunzip it first)'
        : '';
    throw new IdxFormatError(
      `wrong magic number ${hex(magic, 8)}: an IDX file starts with two zero bytes, then a type code and the number of dimensions${gz}`,
      file,
    );
  }
  const code = bytes[2] as number;
  const type = BY_CODE.get(code);
  if (type === undefined) {
    throw new IdxFormatError(
      `unsupported IDX type code ${hex(code)} (magic ${hex(magic, 8)}); supported: 0x08 uint8, 0x09 int8, 0x0b int16, 0x0c int32, 0x0d float32, 0x0e float64`,
      file,
    );
  }
  const ndims = bytes[3] as number;
  if (ndims === 0) {
    throw new IdxFormatError(`IDX header declares 0 dimensions (magic ${hex(magic, 8)})`, file);
  }
  const header = 4 + 4 * ndims;
  if (bytes.length < header) {
    throw new IdxFormatError(
      `truncated IDX header: ${ndims} dimensions need ${header} bytes, got ${bytes.length}`,
      file,
    );
  }
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(4 + 4 * i));
  const { size, ctor, read } = TYPES[type];
  // Product of dims in doubles; exact while it stays below 2^53, and any value
  // near that is far beyond any real byte length, which is all we compare to.
  let count = 1;
  for (const d of dims) count *= d;
  const expected = header + count * size;
  const shape = `${dims.join('x')} ${type}`;
  if (expected > bytes.length) {
    throw new IdxFormatError(
      `truncated IDX data: the header declares ${shape}, so expected ${expected} bytes, got ${bytes.length}`,
      file,
    );
  }
  if (expected < bytes.length) {
    throw new IdxFormatError(
      `IDX data too long: the header declares ${shape}, so expected ${expected} bytes, got ${bytes.length} (${bytes.length - expected} trailing bytes)`,
      file,
    );
  }
  const data = new ctor(count);
  if (type === 'uint8') data.set(bytes.subarray(header, expected));
  else for (let i = 0; i < count; i++) data[i] = read(view, header + i * size);
  return { type, dims, data };
}

/**
 * Encodes an array as IDX bytes (big-endian), the inverse of {@link parseIdx}.
 *
 * @param array - `type`, `dims` (1 to 255 dimensions, each an integer in
 *   [0, 2^32)) and `data` (the typed array matching `type`, of length product(dims))
 * @returns the file's bytes
 * @throws TypeError for an unknown type, bad dims or a data array of the wrong kind;
 *   RangeError when `data.length` is not the product of `dims`
 */
export function encodeIdx(array: IdxArray): Uint8Array {
  const { type, dims, data } = array;
  if (typeof type !== 'string' || !Object.hasOwn(TYPES, type)) {
    throw new TypeError(
      `type must be one of ${Object.keys(TYPES).join(', ')}, got ${String(type)}`,
    );
  }
  const info = TYPES[type];
  if (!Array.isArray(dims) || dims.length < 1 || dims.length > 255) {
    throw new TypeError(`dims must be an array of 1 to 255 sizes, got ${describe(dims)}`);
  }
  let count = 1;
  dims.forEach((d, i) => {
    if (!Number.isInteger(d) || d < 0 || d > 0xffffffff) {
      throw new TypeError(`dims[${i}] must be an integer in [0, 2^32), got ${String(d)}`);
    }
    count *= d;
  });
  if (!(data instanceof info.ctor)) {
    throw new TypeError(
      `data must be a ${info.ctor.name} for type '${type}', got ${describe(data)}`,
    );
  }
  if (data.length !== count) {
    throw new RangeError(
      `data has ${data.length} elements but dims ${dims.join('x')} need ${count}`,
    );
  }
  const header = 4 + 4 * dims.length;
  const out = new Uint8Array(header + count * info.size);
  const view = new DataView(out.buffer);
  out[2] = info.code;
  out[3] = dims.length;
  for (let i = 0; i < dims.length; i++) view.setUint32(4 + 4 * i, dims[i] as number);
  if (type === 'uint8') out.set(data, header);
  else for (let i = 0; i < count; i++) info.write(view, header + i * info.size, data[i] as number);
  return out;
}

/** A short description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}
