/**
 * @mlisp/encoders: one-hot encoding, argmax decoding, and problem 3's
 * one-hot → n-bit binary sigmoid output layer with its decoder. A batch is a
 * Matrix with one sample per row.
 *
 * @packageDocumentation
 */
export {
  type BinaryDecoding,
  type BinaryLayerOptions,
  binaryCode,
  binaryLayer,
  binaryWeights,
  bitsFor,
  type DecodeOptions,
  decodeBinary,
  decodeBinaryBatch,
} from './binary.js';
export { argmax, argmaxBatch, oneHot, oneHotBatch } from './onehot.js';
export { stackBinaryEncoder } from './stack.js';
