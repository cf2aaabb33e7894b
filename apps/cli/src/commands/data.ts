/** `mlisp data export`: the bundled split as the four standard MNIST IDX files. */
import { join } from 'node:path';
import { loadBundled, MNIST_FILES, writeMnistFolder } from '@mlisp/mnist/node';
import type { Command } from 'commander';
import { readFlags } from '../flags.js';
import { type Io, println } from '../output.js';
import { checkOutputFile } from '../safe-paths.js';

/** Adds `mlisp data` to the program. */
export function registerData(program: Command, io: Io): void {
  const data = program
    .command('data')
    .description('work with the bundled digits')
    .addHelpText('after', '\nExample:\n  $ mlisp data export --out mnist-bundled --gzip');
  data
    .command('export')
    .description(
      'write the bundled 7996/2004 split as the four standard MNIST IDX files\n(pixels stored as round(255·v)); read them back with --data DIR',
    )
    .requiredOption('--out <dir>', 'folder to write into (created if missing)')
    .option('--gzip', 'write .gz files')
    .addHelpText(
      'after',
      `
Example:
  $ mlisp data export --out mnist-bundled
  wrote 4 files to mnist-bundled (7996 training and 2004 test digits)
    mnist-bundled/train-images-idx3-ubyte
    ...
  $ mlisp train --data mnist-bundled`,
    )
    .action(async (opts: Record<string, unknown>) => {
      const { outDir } = readFlags(opts, ['outDir'], { outDir: 'out' });
      for (const name of Object.values(MNIST_FILES)) {
        checkOutputFile(join(outDir as string, opts.gzip === true ? `${name}.gz` : name), '--out');
      }
      const split = await loadBundled();
      const written = await writeMnistFolder(outDir as string, split, { gzip: opts.gzip === true });
      println(
        io,
        `wrote ${written.length} files to ${outDir} (${split.train.size} training and ${split.test.size} test digits)`,
      );
      for (const path of written) println(io, `  ${path}`);
    });
}
