import { ModelFormatError } from './model.js';

/**
 * Most weights and biases a model file may declare (80 MB as float64; a
 * [784,100,10] network has 79,510).
 */
export const MAX_MODEL_PARAMETERS = 10_000_000;
/** Most neurons after the input layer a model file may declare (one weight row each). */
export const MAX_MODEL_NEURONS = 1_000_000;
/** Arrays a model file may hold beyond what its sizes need (in its metadata). */
const SLACK_ARRAYS = 100_000;
/** Values a model file may hold beyond what its sizes need (in its metadata). */
const SLACK_VALUES = 1_000_000;

/** Options of {@link checkModelText}, for files that hold a model inside them. */
export interface ModelTextOptions {
  /** The top-level key of the object holding the model (e.g. `'model'` in a checkpoint). */
  within?: string;
  /** How many numbers the file may hold per weight or bias (e.g. 2 with momentum velocities). */
  copies?: number;
}

/** What a linear scan of a model file's text found. */
interface Scan {
  /** The text of the top-level `sizes` value, or null. */
  sizes: string | null;
  /** Arrays opened anywhere. */
  arrays: number;
  /** Values separated by commas anywhere (a bound on the numbers). */
  commas: number;
}

function scan(text: string, within: string | null): Scan {
  // The sizes sought: top-level `sizes`, or `sizes` of the top-level object `within`.
  const target = within === null ? 1 : 2;
  const keys: (string | null)[] = [null, null, null];
  let depth = 0;
  let arrays = 0;
  let commas = 0;
  let inString = false;
  let stringStart = 0;
  let sizesStart = -1;
  let sizes: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) {
        inString = false;
        if (depth <= 2) keys[depth] = text.slice(stringStart, i);
      }
      continue;
    }
    if (c === 0x22) {
      inString = true;
      stringStart = i + 1;
    } else if (c === 0x5b || c === 0x7b) {
      if (c === 0x5b) arrays++;
      const found =
        c === 0x5b &&
        depth === target &&
        keys[depth] === 'sizes' &&
        (within === null || keys[1] === within);
      if (found && sizesStart < 0) sizesStart = i;
      depth++;
      if (depth <= 2) keys[depth] = null;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
      if (depth === target && sizesStart >= 0 && sizes === null) {
        sizes = text.slice(sizesStart, i + 1);
      }
    } else if (c === 0x2c) {
      commas++;
      if (depth <= 2) keys[depth] = null;
    }
  }
  return { sizes, arrays, commas };
}

function fail(path: string, what: string): never {
  throw new ModelFormatError(path === '' ? `model file: ${what}` : `${path} ${what}`, path);
}

/**
 * Bounds the work of reading a model file by its declared shape, before
 * `JSON.parse` builds anything: one linear scan of the text finds the `sizes`
 * it declares, which must need at most {@link MAX_MODEL_PARAMETERS} weights and
 * biases and {@link MAX_MODEL_NEURONS} neurons; the file must be long enough to
 * hold them, and may not hold far more arrays or values than they need (a
 * 40 MB file of millions of tiny arrays would take gigabytes to parse).
 * A file without readable sizes is left to the full parse to report.
 *
 * @param text - the model file's text
 * @param options - where the model is, when the file holds one inside it (a training checkpoint)
 * @throws ModelFormatError naming `sizes` or the file
 */
export function checkModelText(text: string, options: ModelTextOptions = {}): void {
  const found = scan(text, options.within ?? null);
  const copies = options.copies ?? 1;
  if (found.sizes === null) return;
  let sizes: unknown;
  try {
    sizes = JSON.parse(found.sizes);
  } catch {
    return; // malformed: the full parse says where
  }
  if (
    !Array.isArray(sizes) ||
    sizes.length < 2 ||
    !sizes.every((n) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 1)
  ) {
    return; // the field checks of parseModel report it
  }
  let parameters = 0;
  let neurons = 0;
  for (let l = 1; l < sizes.length; l++) {
    parameters += (sizes[l] as number) * ((sizes[l - 1] as number) + 1);
    neurons += sizes[l] as number;
  }
  const count = (n: number) => n.toLocaleString('en-US');
  if (parameters > MAX_MODEL_PARAMETERS) {
    fail(
      'sizes',
      `declares ${count(parameters)} weights and biases, more than the ${count(MAX_MODEL_PARAMETERS)} a model file may have`,
    );
  }
  if (neurons > MAX_MODEL_NEURONS) {
    fail(
      'sizes',
      `declares ${count(neurons)} neurons after the inputs, more than the ${count(MAX_MODEL_NEURONS)} a model file may have`,
    );
  }
  // Each number takes at least one digit and one separator.
  if (text.length < 2 * parameters) {
    fail(
      '',
      `is ${count(text.length)} characters long, too short for the ${count(parameters)} weights and biases its sizes [${sizes.join(',')}] declare`,
    );
  }
  const layers = sizes.length - 1;
  const maxArrays = neurons + 2 * layers + 4 + SLACK_ARRAYS;
  if (found.arrays > maxArrays) {
    fail(
      '',
      `holds ${count(found.arrays)} arrays, far more than the ${count(neurons + 2 * layers + 4)} its sizes [${sizes.join(',')}] need; not parsing it`,
    );
  }
  const maxValues = copies * (parameters + neurons) + 2 * layers + 16 + SLACK_VALUES;
  if (found.commas > maxValues) {
    fail(
      '',
      `holds about ${count(found.commas)} values, far more than the ${count(parameters)} weights and biases its sizes [${sizes.join(',')}] need; not parsing it`,
    );
  }
}
