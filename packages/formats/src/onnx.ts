/**
 * ONNX export: the network as an ONNX graph (one Gemm and one activation
 * operator per layer, float32 weights), encoded with protobufjs from the
 * official onnx.proto schema, so ONNX Runtime (Node, browsers, servers) and
 * every other engine that reads ONNX can run it.
 */
import { type CostName, LEAKY_RELU_SLOPE, type Network } from '@mlisp/neurons';
import { Root, type Type } from 'protobufjs/light.js';
import { UnsupportedModelError } from './errors.js';
import { float32Bytes } from './layers.js';
import schema from './onnx-schema.json';

/** The ONNX operator set the graph uses (the default domain, opset 13: Gemm, Sigmoid, Softmax with axis...). */
export const ONNX_OPSET = 13;

const root = Root.fromJSON(schema);
const ModelProto: Type = root.lookupType('onnx.ModelProto');
const DATA_TYPE = root.lookupEnum('onnx.TensorProto.DataType').values;
const ATTRIBUTE_TYPE = root.lookupEnum('onnx.AttributeProto.AttributeType').values;
/** The IR version of the schema the file is written in (onnx.proto's `Version.IR_VERSION`). */
export const ONNX_IR_VERSION = root.lookupEnum('onnx.Version').values.IR_VERSION as number;

/** Options of {@link toOnnx}. */
export interface OnnxOptions {
  /** The name of the graph's input (default `'input'`), a float32 `[batch, sizes[0]]` tensor. */
  inputName?: string;
  /** The name of the graph's output (default `'output'`), a float32 `[batch, sizes[L]]` tensor. */
  outputName?: string;
  /** The cost the network was trained with, recorded in the model's metadata. */
  cost?: CostName;
  /** Free text for the model's `doc_string`. */
  docString?: string;
  /** `producer_version` (default `''`). */
  producerVersion?: string;
}

interface Node {
  op_type: string;
  input: string[];
  output: string[];
  name: string;
  attribute?: object[];
}

function floatAttribute(name: string, f: number): object {
  return { name, type: ATTRIBUTE_TYPE.FLOAT, f };
}

function intAttribute(name: string, i: number): object {
  return { name, type: ATTRIBUTE_TYPE.INT, i };
}

function tensor(name: string, dims: number[], values: ArrayLike<number>): object {
  return { name, dims, data_type: DATA_TYPE.FLOAT, raw_data: float32Bytes(values) };
}

function valueInfo(name: string, width: number): object {
  return {
    name,
    type: {
      tensor_type: {
        elem_type: DATA_TYPE.FLOAT,
        shape: { dim: [{ dim_param: 'batch' }, { dim_value: width }] },
      },
    },
  };
}

/** The operators computing a = σ(z) for one layer; `step` needs a zero constant. */
function activationNodes(activation: string, z: string, a: string, l: number): Node[] {
  const node = (op_type: string, attribute?: object[]): Node => ({
    op_type,
    input: [z],
    output: [a],
    name: `${op_type.toLowerCase()}_${l}`,
    ...(attribute === undefined ? {} : { attribute }),
  });
  switch (activation) {
    case 'sigmoid':
      return [node('Sigmoid')];
    case 'tanh':
      return [node('Tanh')];
    case 'relu':
      return [node('Relu')];
    case 'leaky-relu':
      return [node('LeakyRelu', [floatAttribute('alpha', LEAKY_RELU_SLOPE)])];
    case 'linear':
      return [node('Identity')];
    case 'softmax':
      return [node('Softmax', [intAttribute('axis', 1)])];
    case 'step': // 1 if z > 0 else 0, as problem 1 defines it
      return [
        { op_type: 'Greater', input: [z, 'zero'], output: [`${z}_positive`], name: `greater_${l}` },
        {
          op_type: 'Cast',
          input: [`${z}_positive`],
          output: [a],
          name: `cast_${l}`,
          attribute: [intAttribute('to', DATA_TYPE.FLOAT as number)],
        },
      ];
    default:
      throw new UnsupportedModelError(
        'onnx',
        `layer ${l} uses the custom activation '${activation}', which has no ONNX operator`,
      );
  }
}

/**
 * The network as an ONNX model (the bytes of a `.onnx` file). Layer l becomes
 * `z_l = Gemm(a_{l-1}, W_l, b_l, transB = 1)` (our weights are `n_out x n_in`, so
 * `z = a·Wᵀ + b` exactly as in training) followed by its activation operator
 * (Sigmoid, Tanh, Relu, LeakyRelu alpha 0.01, Identity, Softmax over each row,
 * or Greater + Cast for the step function). Weights are stored as float32, the
 * input is a float32 `[batch, sizes[0]]` tensor with one sample per row, the
 * output `[batch, sizes[L]]`. The sizes, activations and cost are recorded in
 * the model's `metadata_props`.
 *
 * @param network - the network to export
 * @param options - tensor names, the cost to record, doc string
 * @returns the encoded `onnx.ModelProto`
 * @throws UnsupportedModelError for a custom activation
 */
export function toOnnx(network: Network, options: OnnxOptions = {}): Uint8Array {
  const inputName = options.inputName ?? 'input';
  const outputName = options.outputName ?? 'output';
  if (inputName === outputName) {
    throw new TypeError(
      `options.inputName and options.outputName must differ, both are '${inputName}'`,
    );
  }
  const nodes: Node[] = [];
  const initializer: object[] = [];
  const count = network.layers.length;
  let a = inputName;
  network.layers.forEach((layer, i) => {
    const l = i + 1;
    const nIn = network.sizes[i] as number;
    const nOut = network.sizes[l] as number;
    initializer.push(tensor(`W${l}`, [nOut, nIn], layer.weights.data));
    initializer.push(tensor(`b${l}`, [nOut], layer.biases.data));
    const z = `z${l}`;
    nodes.push({
      op_type: 'Gemm',
      input: [a, `W${l}`, `b${l}`],
      output: [z],
      name: `gemm_${l}`,
      attribute: [intAttribute('transB', 1)],
    });
    const out = l === count ? outputName : `a${l}`;
    nodes.push(...activationNodes(layer.activation.name, z, out, l));
    a = out;
  });
  if (network.layers.some((layer) => layer.activation.name === 'step')) {
    initializer.push(tensor('zero', [], [0]));
  }
  const metadata: Record<string, string> = {
    sizes: JSON.stringify(network.sizes),
    activations: JSON.stringify(network.layers.map((layer) => layer.activation.name)),
  };
  if (options.cost !== undefined) metadata.cost = options.cost;
  const model = {
    ir_version: ONNX_IR_VERSION,
    opset_import: [{ domain: '', version: ONNX_OPSET }],
    producer_name: 'mlisp',
    producer_version: options.producerVersion ?? '',
    doc_string:
      options.docString ??
      `A feed-forward network [${network.sizes.join(', ')}] exported by @mlisp/formats`,
    graph: {
      name: 'mlisp_network',
      node: nodes,
      initializer,
      input: [valueInfo(inputName, network.sizes[0] as number)],
      output: [valueInfo(outputName, network.sizes[count] as number)],
    },
    metadata_props: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  };
  const problem = ModelProto.verify(model);
  if (problem !== null) throw new Error(`toOnnx built an invalid onnx.ModelProto: ${problem}`);
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}

/**
 * Decodes the bytes of an ONNX file into a plain object (the fields of
 * `onnx.ModelProto` with the names of onnx.proto; 64-bit integers as numbers,
 * bytes as Uint8Array), for inspecting what {@link toOnnx} or another tool wrote.
 *
 * @param bytes - the contents of a `.onnx` file
 * @throws Error when the bytes are not a protobuf-encoded ModelProto
 */
export function decodeOnnx(bytes: Uint8Array): Record<string, unknown> {
  const message = ModelProto.decode(bytes);
  return ModelProto.toObject(message, { longs: Number, enums: Number }) as Record<string, unknown>;
}
