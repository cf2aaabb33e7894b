/** `mlisp predict MODEL`: one digit drawn as text, the ten outputs, the answer and its bit code. */
import { readFileSync } from 'node:fs';
import { NoDigitError, prepareDigit } from '@mlisp/mnist';
import type { Command } from 'commander';
import { predictOne } from '../classify.js';
import { loadData } from '../data.js';
import { drawDigit } from '../draw.js';
import { messageOf, RunError, UsageError } from '../errors.js';
import { readFlags } from '../flags.js';
import { decodeJpegGrey, isJpeg } from '../jpeg.js';
import { checkDigitModel } from '../model-check.js';
import { readModel } from '../model-file.js';
import { type Io, printJson, println } from '../output.js';
import { decodePngGrey, type GreyImage, isPng } from '../png.js';
import { renderOutputs } from '../render.js';

/** Reads a PNG or JPEG and prepares it as an MNIST digit; no digit in it is a failure (exit 1). */
function readImage(path: string): Float64Array {
  const bytes = readFileSync(path);
  const kind = isPng(bytes) ? 'PNG' : isJpeg(bytes) ? 'JPEG' : null;
  if (kind === null) throw new UsageError(`--image: '${path}' is not a PNG or JPEG file`);
  let image: GreyImage;
  try {
    image = kind === 'PNG' ? decodePngGrey(bytes) : decodeJpegGrey(bytes);
  } catch (error) {
    throw new UsageError(`--image: '${path}' is not a readable ${kind} (${messageOf(error)})`);
  }
  try {
    return prepareDigit(image.pixels, image.width, image.height, { invert: 'auto' });
  } catch (error) {
    if (error instanceof NoDigitError) throw new RunError(`--image '${path}': ${error.message}`);
    throw error;
  }
}

/** Adds `mlisp predict` to the program. */
export function registerPredict(program: Command, io: Io): void {
  program
    .command('predict')
    .description('what a saved model says about one digit: a test digit, or a PNG or JPEG photo')
    .argument(
      '<MODEL>',
      'a model file (mlisp train --out), network2.py JSON (save()) or a training checkpoint',
    )
    .option('--index <n>', 'the test digit at position N (from 0)')
    .option('--data <bundled|dir>', 'with --index: bundled digits or a folder of MNIST IDX files')
    .option(
      '--image <file>',
      'a PNG or JPEG of one digit (a photo, scan or drawing): any size, dark on light or light on dark',
    )
    .option('--json', 'print one JSON object: index, label, prediction, outputs, binary')
    .addHelpText(
      'after',
      `
The image is prepared the way MNIST digits were: made grey, the paper's
background and lighting removed, the ink told from the paper (Otsu), the
largest stroke kept, the pen width evened, scaled to fit 20x20 and centred by
its centre of mass in 28x28. An image with no digit in it exits 1 with
"no digit found".

Examples:
  $ mlisp predict net.json --index 0
  ...the digit drawn as text, then:
  label 7, prediction 7 ✓, bits 0111 (problem 3's binary layer reads 7)

  $ mlisp predict net.json --image photo.jpg --json
  {"index":null,"label":null,"prediction":3,"outputs":[...],"binary":"0011"}`,
    )
    .action(async (model: string, opts: Record<string, unknown>) => {
      const flags = readFlags({ ...opts, model }, ['model', 'index', 'data', 'image']);
      if ((flags.index === undefined) === (flags.image === undefined)) {
        throw new UsageError('predict needs exactly one of --index N or --image FILE.png');
      }
      if (flags.image !== undefined && flags.data !== undefined) {
        throw new UsageError('--data goes with --index, not with --image');
      }
      const loaded = readModel(flags.model as string, 'MODEL', { checkpoint: true });
      checkDigitModel(loaded, model);
      let pixels: Float64Array;
      let label: number | null = null;
      const index = flags.index ?? null;
      if (index !== null) {
        const data = await loadData(flags.data ?? { kind: 'bundled' });
        if (index >= data.test.size) {
          throw new UsageError(
            `invalid value for --index: '${index}' (the test set has ${data.test.size} digits: 0 to ${data.test.size - 1})`,
          );
        }
        const cols = data.test.images.cols;
        pixels = Float64Array.from(
          data.test.images.data.subarray(index * cols, (index + 1) * cols),
        );
        label = data.test.labels[index] as number;
      } else {
        pixels = readImage(flags.image as string);
      }
      const p = predictOne(loaded.network, pixels);
      if (opts.json === true) {
        printJson(io, {
          index,
          label,
          prediction: p.prediction,
          outputs: p.outputs,
          binary: p.binary,
        });
        return;
      }
      const c = io.color;
      println(io, index !== null ? `test digit #${index}` : `${flags.image} (prepared as MNIST)`);
      for (const line of drawDigit(pixels)) println(io, line);
      println(io, 'outputs:');
      for (const line of renderOutputs(p.outputs, p.prediction, c)) println(io, line);
      const verdict =
        label === null ? '' : p.prediction === label ? ` ${c.green('✓')}` : ` ${c.red('✗')}`;
      const reads = p.binaryLabel === null ? 'names no digit' : `reads ${p.binaryLabel}`;
      println(
        io,
        `${label === null ? '' : `label ${label}, `}prediction ${c.bold(String(p.prediction))}${verdict}, bits ${c.bold(p.binary)} (problem 3's binary layer ${reads})`,
      );
    });
}
