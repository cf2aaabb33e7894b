/**
 * Thrown when IDX bytes, an MNIST folder or the bundled digits asset is not
 * what it should be: missing file, truncated data, wrong magic number,
 * unsupported type code, mismatched counts, wrong image size or a label
 * outside 0..9. The message says what is wrong and where.
 *
 * @example
 * try {
 *   parseIdx(bytes, 'train-images-idx3-ubyte');
 * } catch (e) {
 *   if (e instanceof IdxFormatError) console.error(e.file, e.message);
 * }
 */
export class IdxFormatError extends Error {
  /** The file (or folder) the problem was found in, when known. */
  readonly file: string | undefined;

  /**
   * @param message - what is wrong (the file name is prefixed when given)
   * @param file - the file or folder the problem was found in, if known
   */
  constructor(message: string, file?: string) {
    super(file === undefined ? message : `${file}: ${message}`);
    this.name = 'IdxFormatError';
    this.file = file;
  }
}

/**
 * Thrown by `prepareDigit` when an image holds no digit: it is blank, only
 * noise or lighting, or its marks are too faint or too small to be a stroke.
 * The message says what was measured.
 */
export class NoDigitError extends Error {
  /**
   * @param message - why no digit was found (prefixed with "no digit found: ")
   */
  constructor(message: string) {
    super(`no digit found: ${message}`);
    this.name = 'NoDigitError';
  }
}
