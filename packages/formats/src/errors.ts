/**
 * Thrown when a network cannot be written in a format: an activation the
 * format has no layer or operator for, or a cost it cannot name. The message
 * names the layer and what the format accepts.
 */
export class UnsupportedModelError extends Error {
  /** The format that was asked for, e.g. `'tfjs'`. */
  readonly format: string;

  /**
   * @param format - the format that was asked for
   * @param message - what cannot be written, and what the format accepts
   */
  constructor(format: string, message: string) {
    super(`cannot export to ${format}: ${message}`);
    this.name = 'UnsupportedModelError';
    this.format = format;
  }
}
