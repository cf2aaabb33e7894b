/**
 * @mlisp/tensor: dense row-major matrices on typed arrays, a cache-blocked
 * GEMM and a seeded random generator. No runtime dependencies.
 *
 * @packageDocumentation
 */
export { assertSameShape, shapeOf } from './errors.js';
export { type GemmOptions, gemm, matmul } from './gemm.js';
export {
  allClose,
  clone,
  copyInto,
  type DType,
  type DTypeOptions,
  dtypeOf,
  type FloatArray,
  filled,
  fromArray,
  fromTypedArray,
  get,
  type Matrix,
  rowView,
  setInPlace,
  toArray,
  zeros,
  zerosLike,
} from './matrix.js';
export { add, addRowVector, axpyInPlace, hadamard, map, scale, sub, transpose } from './ops.js';
export { argmaxRows, frobeniusNorm, rowNorms, sum, sumCols, sumRows } from './reduce.js';
export { type RandomState, Rng } from './rng.js';
