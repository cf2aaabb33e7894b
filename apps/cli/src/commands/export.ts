/** `mlisp export MODEL`: the model in the TensorFlow.js layers format or as network2.py JSON. */
import { join } from 'node:path';
import type { Command } from 'commander';
import { writeFileAtomic } from '../atomic.js';
import { UsageError } from '../errors.js';
import { toNetwork2, toTfjs } from '../export-formats.js';
import { readFlags } from '../flags.js';
import { readModel } from '../model-file.js';
import { type Io, println } from '../output.js';
import { checkOutputFile, refuseSameFiles } from '../safe-paths.js';

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
    .description('convert a saved model for TensorFlow.js/Keras or for network2.py')
    .argument('<MODEL>', 'a model file written by mlisp train --out')
    .requiredOption(
      '--format <name>',
      'tfjs (a folder: model.json + weights.bin) or network2 (a JSON file)',
    )
    .requiredOption('--out <path>', 'the folder (tfjs) or file (network2) to write')
    .addHelpText(
      'after',
      `
tfjs: a Sequential of Dense layers (kernel = our weights transposed, float32);
leaky-relu becomes a linear Dense layer and a LeakyReLU(alpha 0.01) layer;
step has no TensorFlow.js layer and is refused.
network2: the JSON of network2.py's save()/load() (sigmoid layers with the
quadratic or cross-entropy cost only).

Examples:
  $ mlisp export net.json --format tfjs --out net-tfjs
  wrote net-tfjs/model.json and net-tfjs/weights.bin (95,440 bytes)
  $ mlisp export net.json --format network2 --out net2.json
  wrote net2.json (load it with network2.load("net2.json"))`,
    )
    .action((model: string, opts: Record<string, unknown>) => {
      const flags = readFlags({ ...opts, model }, ['model', 'format']);
      const loaded = readModel(flags.model as string, 'MODEL');
      if (flags.format === 'tfjs') {
        const { outDir } = readFlags(opts, ['outDir'], { outDir: 'out' });
        const dir = outDir as string;
        checkOutputFiles(flags.model as string, [
          join(dir, 'weights.bin'),
          join(dir, 'model.json'),
        ]);
        const { modelJson, weightsBin } = toTfjs(loaded.json);
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
      if (flags.format !== 'network2') throw new UsageError(`--format is required`);
      const { out } = readFlags(opts, ['out']);
      checkOutputFiles(flags.model as string, [out as string]);
      writeFileAtomic(out as string, `${JSON.stringify(toNetwork2(loaded.json))}\n`);
      println(io, `wrote ${out} (load it with network2.load("${out}"))`);
    });
}
