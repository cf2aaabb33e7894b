// @mlisp/formats/node against the in-memory encoders: what each writer puts
// on disk is exactly what toOnnx, toTfjs and toNetwork2 return, readModelFile
// reads it back, and a write that fails leaves the old file and no temporary.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelFormatError, toModelJson } from '@mlisp/neurons';
import { afterAll, describe, expect, it } from 'vitest';
import { toNetwork2 } from './network2.js';
import { readModelFile, writeNetwork2File, writeOnnxFile, writeTfjsFolder } from './node.js';
import { toOnnx } from './onnx.js';
import { randomNetwork } from './test-helpers.js';
import { toTfjs } from './tfjs.js';

const dir = mkdtempSync(join(tmpdir(), 'mlisp-formats-node-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const { network, weights, biases } = randomNetwork([4, 3, 2], ['sigmoid', 'sigmoid'], 7);

describe('@mlisp/formats/node', () => {
  it('writes network2.py JSON into a new folder and reads it back, weights and cost', async () => {
    const path = join(dir, 'a', 'b', 'net2.json');
    await writeNetwork2File(path, network, 'cross-entropy');
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(
      JSON.parse(JSON.stringify(toNetwork2(network, 'cross-entropy'))),
    );
    const back = await readModelFile(path);
    expect(back.kind).toBe('network2');
    expect(back.cost).toBe('cross-entropy');
    back.network.layers.forEach((layer, l) => {
      expect(Array.from(layer.weights.data)).toEqual((weights[l] as number[][]).flat());
      expect(Array.from(layer.biases.data)).toEqual(biases[l]);
    });
  });

  it('writes the ONNX bytes toOnnx makes and returns their count', async () => {
    const path = join(dir, 'net.onnx');
    const count = await writeOnnxFile(path, network);
    const expected = toOnnx(network);
    expect(count).toBe(expected.byteLength);
    expect(new Uint8Array(readFileSync(path))).toEqual(new Uint8Array(expected));
  });

  it('writes a TensorFlow.js folder: model.json and the weights file toTfjs makes', async () => {
    const folder = join(dir, 'tfjs');
    const paths = await writeTfjsFolder(folder, network, { weightsPath: 'w.bin' });
    const { modelJson, weightsBin } = toTfjs(network, { weightsPath: 'w.bin' });
    expect(paths).toEqual({
      modelJson: join(folder, 'model.json'),
      weights: join(folder, 'w.bin'),
    });
    expect(JSON.parse(readFileSync(paths.modelJson, 'utf8'))).toEqual(
      JSON.parse(JSON.stringify(modelJson)),
    );
    expect(new Uint8Array(readFileSync(paths.weights))).toEqual(weightsBin);
  });

  it('reads an mlisp-network file, and names the file when it is not a model', async () => {
    const good = join(dir, 'model.json');
    writeFileSync(good, JSON.stringify(toModelJson(network, { cost: 'quadratic' })));
    const model = await readModelFile(good);
    expect(model.kind).toBe('mlisp-network');
    expect(Array.from(model.network.layers[1]?.weights.data ?? [])).toEqual(
      (weights[1] as number[][]).flat(),
    );
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"sizes": [2, 1], "weights": [[[1, 2]]], "biases": [[0, 0]]}');
    const error = await readModelFile(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelFormatError);
    expect((error as Error).message.startsWith(`${bad}: `)).toBe(true);
  });

  it('replaces a file whole, and a write that fails keeps the old file and leaves no temporary', async () => {
    const folder = join(dir, 'replace');
    const path = join(folder, 'net2.json');
    await writeNetwork2File(path, network, 'quadratic');
    const before = readFileSync(path, 'utf8');
    await writeNetwork2File(path, network, 'cross-entropy');
    expect(JSON.parse(readFileSync(path, 'utf8')).cost).toContain('CrossEntropy');
    expect(readdirSync(folder)).toEqual(['net2.json']);
    expect(before).not.toBe(readFileSync(path, 'utf8'));
    // A folder where the file should go: the rename fails.
    const blocked = join(folder, 'blocked.onnx');
    mkdirSync(join(blocked, 'inside'), { recursive: true });
    await expect(writeOnnxFile(blocked, network)).rejects.toThrow();
    expect(readdirSync(folder).sort()).toEqual(['blocked.onnx', 'net2.json']);
    expect(readdirSync(blocked)).toEqual(['inside']);
  });
});
