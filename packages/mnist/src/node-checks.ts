/**
 * Checks of IDX input files before they are read (Node only): regular files
 * of a bounded size, and images files whose header (read alone, gunzipped no
 * further than needed) declares no more pixels than a set may take.
 */
import { open, stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { IdxFormatError } from './errors.js';

/** Most bytes an IDX file (plain or gzip) may have: what one read of a file gives (2 GiB - 1). */
const MAX_IDX_FILE = 2 ** 31 - 1;

/**
 * Refuses, before reading, what is not a regular file (a folder, or a FIFO or
 * device that could block or never end) and files over {@link MAX_IDX_FILE}.
 */
export async function checkReadable(path: string): Promise<void> {
  const info = await stat(path).catch(() => null);
  if (info === null) throw new IdxFormatError('file not found', path);
  if (info.isDirectory()) throw new IdxFormatError('is a folder, not an IDX file', path);
  if (!info.isFile()) {
    throw new IdxFormatError(
      'is not a regular file (a FIFO, device or socket); IDX data is read from regular files only',
      path,
    );
  }
  if (info.size > MAX_IDX_FILE) {
    throw new IdxFormatError(
      `has ${info.size} bytes, more than the ${MAX_IDX_FILE} bytes (2 GiB) an IDX file may have`,
      path,
    );
  }
}

/**
 * Most bytes the float64 pixels of one set read by {@link readMnistFolder} may
 * take (2 GiB: 342,000 images of 28x28). A file whose honest header declares
 * more is refused from its header, before it is decompressed or converted.
 */
export const MAX_PIXEL_BYTES = 2 ** 31;

/** True for gzip data: by name, or by its first two bytes. */
function isGzip(path: string, start: Uint8Array): boolean {
  return path.endsWith('.gz') || (start[0] === 0x1f && start[1] === 0x8b);
}

/** The first bytes of a file, gunzipped when it is gzip data (only as far as needed). */
async function peekStart(
  path: string,
  bytes: number,
): Promise<{ head: Uint8Array; gzip: boolean }> {
  const handle = await open(path, 'r');
  try {
    const head = new Uint8Array(64 * 1024);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const start = head.subarray(0, bytesRead);
    if (!isGzip(path, start)) return { head: start, gzip: false };
    const gunzip = createGunzip({ chunkSize: 16 * 1024 });
    const out: Buffer[] = [];
    let total = 0;
    const done = new Promise<void>((resolve) => {
      gunzip.on('data', (chunk: Buffer) => {
        out.push(chunk);
        total += chunk.length;
        if (total >= bytes) resolve();
      });
      gunzip.on('end', resolve);
      gunzip.on('error', () => resolve()); // the full read reports bad gzip data
    });
    gunzip.end(start);
    await done; // the first output chunk holds the header: stop there
    gunzip.destroy();
    return { head: Buffer.concat(out, total), gzip: true };
  } finally {
    await handle.close();
  }
}

/**
 * Refuses, from its header, an images file whose pixels as float64 would take
 * more than {@link MAX_PIXEL_BYTES}. A header that cannot be read is left to the
 * full read to report.
 */
export async function checkPixelBudget(path: string): Promise<void> {
  const { head, gzip } = await peekStart(path, 16);
  if (head.length < 16 || head[0] !== 0 || head[1] !== 0 || head[2] !== 0x08 || head[3] !== 3) {
    return;
  }
  const view = new DataView(head.buffer, head.byteOffset, 16);
  const [n, h, w] = [view.getUint32(4), view.getUint32(8), view.getUint32(12)];
  const bytes = n * h * w * Float64Array.BYTES_PER_ELEMENT;
  // A plain file shorter than its header promises is reported as truncated by the full read.
  const { size } = await stat(path);
  if (!gzip && size < 16 + n * h * w) return;
  if (bytes > MAX_PIXEL_BYTES) {
    throw new IdxFormatError(
      `its header declares ${n} images of ${h}x${w}: as float64 pixels they would take ${(bytes / 2 ** 30).toFixed(1)} GiB, more than the 2 GiB a set may take; not reading it`,
      path,
    );
  }
}
