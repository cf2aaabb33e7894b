/**
 * The `mlisp` command: train, evaluate, predict with and export MNIST networks,
 * export the bundled data, and run the problem-set experiments.
 *
 * Exit codes: 0 success, 1 a failure while running, 2 a usage error.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { processIo } from './output.js';
import { runCli } from './program.js';

function isMain(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  // A closed pipe (e.g. `mlisp train | head`) ends the program quietly.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(0);
      throw error;
    });
  }
  runCli(process.argv.slice(2), processIo()).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`mlisp: internal error: ${String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
