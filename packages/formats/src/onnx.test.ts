import type { ActivationName } from '@mlisp/neurons';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { UnsupportedModelError } from './errors.js';
import { decodeOnnx, ONNX_IR_VERSION, ONNX_OPSET, toOnnx } from './onnx.js';
import { naiveFeedforward, randomInputs, randomNetwork } from './test-helpers.js';

async function runOnnx(bytes: Uint8Array, inputs: number[][], name = 'input', out = 'output') {
  const session = await ort.InferenceSession.create(bytes);
  const cols = (inputs[0] as number[]).length;
  const result = await session.run({
    [name]: new ort.Tensor('float32', Float32Array.from(inputs.flat()), [inputs.length, cols]),
  });
  const tensor = result[out] as ort.Tensor;
  const width = tensor.dims[1] as number;
  const data = tensor.data as Float32Array;
  return inputs.map((_, i) => Array.from(data.subarray(i * width, (i + 1) * width)));
}

describe('toOnnx, run by onnxruntime-node', () => {
  const cases: [string, number[], ActivationName[]][] = [
    ['sigmoid', [6, 5, 4], ['sigmoid', 'sigmoid']],
    ['tanh + softmax', [6, 5, 4], ['tanh', 'softmax']],
    ['relu + leaky-relu + linear', [5, 7, 6, 3], ['relu', 'leaky-relu', 'linear']],
    ['step (problem 1 perceptrons) + sigmoid', [4, 6, 2], ['step', 'sigmoid']],
  ];
  it.each(cases)('%s: ONNX Runtime gives our outputs within 1e-5', async (_, sizes, acts) => {
    const model = randomNetwork(sizes, acts);
    const inputs = randomInputs(16, sizes[0] as number);
    const got = await runOnnx(toOnnx(model.network), inputs);
    inputs.forEach((x, i) => {
      naiveFeedforward(model, x).forEach((want, j) => {
        expect(Math.abs((got[i]![j] as number) - want)).toBeLessThan(1e-5);
      });
    });
  });

  it('takes any batch size and the tensor names asked for', async () => {
    const model = randomNetwork([3, 2], ['sigmoid']);
    const bytes = toOnnx(model.network, { inputName: 'pixels', outputName: 'scores' });
    for (const n of [1, 5]) {
      const got = await runOnnx(bytes, randomInputs(n, 3), 'pixels', 'scores');
      expect(got).toHaveLength(n);
    }
    expect(() => toOnnx(model.network, { inputName: 'x', outputName: 'x' })).toThrow(TypeError);
  });
});

describe('toOnnx, the encoded ModelProto', () => {
  it('is Gemm(transB = 1) + activation per layer, float32 initializers, opset 13', () => {
    const model = randomNetwork([3, 2, 1], ['relu', 'sigmoid']);
    const decoded = decodeOnnx(toOnnx(model.network, { cost: 'cross-entropy' })) as {
      ir_version: number;
      opset_import: { domain: string; version: number }[];
      graph: {
        node: { op_type: string; input: string[]; attribute?: { name: string; i: number }[] }[];
        initializer: { name: string; dims: number[]; data_type: number; raw_data: Uint8Array }[];
        input: { type: { tensor_type: { shape: { dim: object[] } } } }[];
      };
      metadata_props: { key: string; value: string }[];
    };
    expect(decoded.ir_version).toBe(ONNX_IR_VERSION);
    expect(ONNX_IR_VERSION).toBe(8);
    expect(decoded.opset_import).toEqual([{ domain: '', version: ONNX_OPSET }]);
    const g = decoded.graph;
    expect(g.node.map((n) => n.op_type)).toEqual(['Gemm', 'Relu', 'Gemm', 'Sigmoid']);
    expect(g.node[0]!.attribute).toEqual([expect.objectContaining({ name: 'transB', i: 1 })]);
    expect(g.initializer.map((t) => [t.name, t.dims, t.data_type])).toEqual([
      ['W1', [2, 3], 1],
      ['b1', [2], 1],
      ['W2', [1, 2], 1],
      ['b2', [1], 1],
    ]);
    // W1 row-major n_out x n_in, float32 little-endian: element (j=1, k=2) at 1 * 3 + 2.
    const w1 = g.initializer[0]!.raw_data;
    const view = new DataView(w1.buffer, w1.byteOffset, w1.byteLength);
    expect(view.getFloat32(4 * 5, true)).toBe(Math.fround(model.weights[0]![1]![2]!));
    expect(g.input[0]!.type.tensor_type.shape.dim).toEqual([
      { dim_param: 'batch' },
      { dim_value: 3 },
    ]);
    expect(Object.fromEntries(decoded.metadata_props.map((p) => [p.key, p.value]))).toEqual({
      sizes: '[3,2,1]',
      activations: '["relu","sigmoid"]',
      cost: 'cross-entropy',
    });
  });

  it('refuses a custom activation, naming the layer', () => {
    const model = randomNetwork([2, 2], ['sigmoid']);
    const layer = model.network.layers[0]!;
    const custom = {
      sizes: model.network.sizes,
      layers: [{ ...layer, activation: { ...layer.activation, name: 'swish' } }],
    };
    expect(() => toOnnx(custom as never)).toThrow(UnsupportedModelError);
    expect(() => toOnnx(custom as never)).toThrow(/layer 1 uses the custom activation 'swish'/);
  });

  it('decodeOnnx rejects bytes that are not a ModelProto', () => {
    expect(() => decodeOnnx(Uint8Array.of(0xff, 0xff, 0xff))).toThrow();
  });
});
