/** `mlisp export MODEL`: the model as ONNX, in the TensorFlow.js layers format or as network2.py JSON. */
import { join } from 'node:path';
import { toNetwork2, toOnnx, toTfjs, UnsupportedModelError } from '@mlisp/formats';
import type { Command } from 'commander';
import { writeFileAtomic } from '../atomic.js';
import { RunError, UsageError } from '../errors.js';
import { readFlags } from '../flags.js';
import { readModel } from '../model-file.js';
import { type Io, println } from '../output.js';
import { checkOutputFile, refuseSameFiles } from '../safe-paths.js';
import { VERSION } from '../version.js';

/** Runs an exporter, turning "this format cannot hold that model" into a failure (exit 1). */
function exporting<T>(make: () => T): T {
  try {
    return make();
  } catch (error) {
    if (error instanceof UnsupportedModelError) throw new RunError(error.message);
    throw error;
  }
}

/** Refuses outputs that are not regular files or that would overwrite the model read. */
function checkOutputFiles(model: string, paths: readonly string[]): void {
  for (const path of paths) checkOutputFile(path, '--out');
  refuseSameFiles(
    [{ flag: 'MODEL', path: model }],
    paths.map((path) => ({ flag: '--out', path })),
  );
}

/** Adds `mlisp export` to the program. */
export function registerExport(program: Command, io: Io): void {
  program
    .command('export')
    .description('convert a saved model to ONNX, TensorFlow.js/Keras or network2.py')
    .argument('<MODEL>', 'a model file (mlisp train --out), network2.py JSON or a checkpoint')
    .requiredOption(
      '--format <name>',
      'onnx (a .onnx file), tfjs (a folder: model.json + weights.bin) or network2 (a JSON file)',
    )
    .requiredOption('--out <path>', 'the file (onnx, network2) or folder (tfjs) to write')
    .addHelpText(
      'after',
      `
onnx: an ONNX graph (IR 8, opset 13) of one Gemm and one activation operator
per layer, float32; input "input" [batch, 784], output "output" [batch, 10].
Runs in ONNX Runtime (onnxruntime-node, onnxruntime-web, Python, C++...).
tfjs: a Sequential of Dense layers (kernel = our weights transposed, float32);
leaky-relu becomes a linear Dense layer and a LeakyReLU(alpha 0.01) layer;
step has no TensorFlow.js layer and is refused.
network2: the JSON of network2.py's save()/load() (sigmoid layers with the
quadratic or cross-entropy cost only).

Examples:
  $ mlisp export net.json --format onnx --out net.onnx
  wrote net.onnx (95,912 bytes)
  $ mlisp export net.json --format tfjs --out net-tfjs
  wrote net-tfjs/model.json and net-tfjs/weights.bin (95,440 bytes)
  $ mlisp export net.json --format network2 --out net2.json
  wrote net2.json (load it with network2.load("net2.json"))`,
    )
    .action((model: string, opts: Record<string, unknown>) => {
      const flags = readFlags({ ...opts, model }, ['model', 'format']);
      const loaded = readModel(flags.model as string, 'MODEL', { checkpoint: true });
      const { network, cost } = loaded;
      if (flags.format === 'tfjs') {
        const { outDir } = readFlags(opts, ['outDir'], { outDir: 'out' });
        const dir = outDir as string;
        checkOutputFiles(flags.model as string, [
          join(dir, 'weights.bin'),
          join(dir, 'model.json'),
        ]);
        const { modelJson, weightsBin } = exporting(() =>
          toTfjs(network, { generatedBy: `mlisp export ${VERSION}` }),
        );
        writeFileAtomic(join(dir, 'weights.bin'), weightsBin);
        writeFileAtomic(join(dir, 'model.json'), `${JSON.stringify(modelJson, null, 2)}\n`);
        println(
          io,
          `wrote ${join(dir, 'model.json')} and ${join(dir, 'weights.bin')} (${weightsBin.byteLength.toLocaleString('en-US')} bytes)`,
        );
        println(
          io,
          io.color.dim(
            `TensorFlow.js: tf.loadLayersModel(url of model.json); Keras: tensorflowjs_converter --input_format tfjs_layers_model --output_format keras ${join(dir, 'model.json')} model.h5`,
          ),
        );
        return;
      }
      const { out } = readFlags(opts, ['out']);
      checkOutputFiles(flags.model as string, [out as string]);
      if (flags.format === 'onnx') {
        const bytes = exporting(() => toOnnx(network, { cost, producerVersion: VERSION }));
        writeFileAtomic(out as string, bytes);
        println(io, `wrote ${out} (${bytes.byteLength.toLocaleString('en-US')} bytes)`);
        println(
          io,
          io.color.dim(
            `ONNX Runtime: (await ort.InferenceSession.create('${out}')).run({ input: new ort.Tensor('float32', pixels, [n, ${network.sizes[0]}]) })`,
          ),
        );
        return;
      }
      if (flags.format !== 'network2') throw new UsageError('--format is required');
      writeFileAtomic(
        out as string,
        `${JSON.stringify(exporting(() => toNetwork2(network, cost)))}\n`,
      );
      println(io, `wrote ${out} (load it with network2.load("${out}"))`);
    });
}
