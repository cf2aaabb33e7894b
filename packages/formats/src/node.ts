/**
 * @mlisp/formats/node: reading model files and writing exports on Node. Each
 * file is written to a temporary file next to it and renamed into place, so
 * a reader never sees half a file.
 *
 * @packageDocumentation
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type CostName, ModelFormatError, type Network } from '@mlisp/neurons';
import { type ModelFile, parseModelFile } from './model-file.js';
import { toNetwork2 } from './network2.js';
import { type OnnxOptions, toOnnx } from './onnx.js';
import { type TfjsOptions, toTfjs } from './tfjs.js';

/**
 * Reads a JSON model file of any kind {@link parseModelFile} knows: an
 * mlisp-network model, network2.py's JSON or an mlisp checkpoint.
 *
 * @param path - the file
 * @throws ModelFormatError whose message starts with the path; errors of the file system as they are
 */
export async function readModelFile(path: string): Promise<ModelFile> {
  const text = await readFile(path, 'utf8');
  try {
    return parseModelFile(text);
  } catch (error) {
    if (error instanceof ModelFormatError) {
      throw new ModelFormatError(`${path}: ${error.message}`, error.path);
    }
    throw error;
  }
}

async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    await writeFile(temp, data);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * Writes the network as an ONNX file (see {@link toOnnx}).
 *
 * @param path - the `.onnx` file to write (its folder is created)
 * @param network - the network
 * @param options - those of {@link toOnnx}
 * @returns the number of bytes written
 */
export async function writeOnnxFile(
  path: string,
  network: Network,
  options: OnnxOptions = {},
): Promise<number> {
  const bytes = toOnnx(network, options);
  await writeAtomic(path, bytes);
  return bytes.byteLength;
}

/**
 * Writes the network as a TensorFlow.js layers model: `model.json` and the
 * weights file in `dir` (see {@link toTfjs}).
 *
 * @param dir - the folder (created if missing)
 * @param network - the network
 * @param options - those of {@link toTfjs}
 * @returns the paths written
 */
export async function writeTfjsFolder(
  dir: string,
  network: Network,
  options: TfjsOptions = {},
): Promise<{ modelJson: string; weights: string }> {
  const { modelJson, weightsBin } = toTfjs(network, options);
  const weights = join(dir, options.weightsPath ?? 'weights.bin');
  const model = join(dir, 'model.json');
  await writeAtomic(weights, weightsBin);
  await writeAtomic(model, `${JSON.stringify(modelJson, null, 2)}\n`);
  return { modelJson: model, weights };
}

/**
 * Writes the network as the JSON of network2.py (see {@link toNetwork2});
 * load it there with `network2.load(path)`.
 *
 * @param path - the file to write
 * @param network - a sigmoid network
 * @param cost - `'quadratic'` or `'cross-entropy'`
 */
export async function writeNetwork2File(
  path: string,
  network: Network,
  cost: CostName,
): Promise<void> {
  await writeAtomic(path, `${JSON.stringify(toNetwork2(network, cost))}\n`);
}
