/**
 * @mlisp/formats: MLISP networks in the formats other tools read and write:
 * ONNX (ONNX Runtime in Node, browsers and servers, and every engine that
 * reads ONNX), the TensorFlow.js layers format, and the JSON of Nielsen's
 * network2.py (both ways); and one reader for every JSON model file. This
 * entry runs in browsers and Node; reading and writing files is in
 * `@mlisp/formats/node`.
 *
 * @packageDocumentation
 */
export { UnsupportedModelError } from './errors.js';
export { type ModelFile, type ModelFileKind, parseModelFile } from './model-file.js';
export {
  fromNetwork2,
  isNetwork2Json,
  type Network2CostName,
  type Network2Json,
  toNetwork2,
} from './network2.js';
export { decodeOnnx, ONNX_IR_VERSION, ONNX_OPSET, type OnnxOptions, toOnnx } from './onnx.js';
export { type TfjsExport, type TfjsOptions, type TfjsWeightSpec, toTfjs } from './tfjs.js';
