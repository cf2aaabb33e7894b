/*
 * Argument checks shared by the encoders. Each throws a TypeError naming the
 * argument and what was expected (or a RangeError for a label outside
 * 0..classes−1, like an index outside a matrix).
 */

/**
 * Throws a TypeError unless `classes` is an integer ≥ 2.
 *
 * @param classes - the number of classes to check
 */
export function assertClasses(classes: unknown): asserts classes is number {
  if (typeof classes !== 'number' || !Number.isSafeInteger(classes) || classes < 2) {
    throw new TypeError(`classes must be an integer >= 2, got ${String(classes)}`);
  }
}

/**
 * Throws unless `label` is an integer in 0..classes−1: a TypeError for a
 * non-integer, a RangeError for an integer out of range.
 *
 * @param label - the class label to check
 * @param classes - the number of classes (already checked)
 * @param name - how the label is named in the message, e.g. `'labels[3]'`
 */
export function assertLabel(
  label: unknown,
  classes: number,
  name = 'label',
): asserts label is number {
  if (typeof label !== 'number' || !Number.isInteger(label)) {
    throw new TypeError(`${name} must be an integer class label, got ${String(label)}`);
  }
  if (label < 0 || label >= classes) {
    throw new RangeError(`${name} is ${label}, outside 0..${classes - 1} for ${classes} classes`);
  }
}

/**
 * Throws a TypeError unless `gain` is a finite number > 0.
 *
 * @param gain - the factor on the binary layer's weights
 */
export function assertGain(gain: unknown): asserts gain is number {
  if (typeof gain !== 'number' || !Number.isFinite(gain) || gain <= 0) {
    throw new TypeError(`gain must be a finite number > 0, got ${String(gain)}`);
  }
}
