// The header of an IDX file read from its first bytes, and the first rows of
// a plain file, for the readers that stream a file or read only part of it
// (Node side).
import { open } from 'node:fs/promises';
import { IdxFormatError } from './errors.js';
import { type IdxType, idxTypeOfCode, parseIdx } from './idx.js';

/** What an IDX header promises: the file's length, its shape, and the bytes of one item (one row of the outermost dimension). */
export interface IdxPromise {
  type: IdxType;
  dims: number[];
  bytes: number;
  shape: string;
  header: number;
  items: number;
  itemBytes: number;
}

/** What the header at the start of `prefix` promises, or undefined while `prefix` is too short. */
export function idxPromise(prefix: Uint8Array, file: string): IdxPromise | undefined {
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
    type: type.type,
    dims,
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
export function keepRows(bytes: Uint8Array, promise: IdxPromise, rows: number): Uint8Array {
  const kept = Math.min(rows, promise.items);
  const end = promise.header + kept * promise.itemBytes;
  if (bytes.length < end) return bytes;
  new DataView(bytes.buffer, bytes.byteOffset, promise.header).setUint32(4, kept);
  return bytes.subarray(0, end);
}

/** The first bytes of a plain IDX file: its header and its first `rows` items. */
export async function readIdxRows(path: string, rows: number): Promise<Uint8Array> {
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
