/**
 * The `mlisp` command: train, evaluate, predict with and export MNIST networks,
 * export the bundled data, and run the problem-set experiments.
 *
 * Exit codes: 0 success, 1 a failure while running, 2 a usage error, 128 + n
 * stopped by signal n, 141 stdout closed by its reader.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { processIo } from './output.js';
import { runCli } from './program.js';
import {
  exitAfterStdout,
  hasFilesToFinish,
  onStdoutFailure,
  watchProcessStdio,
} from './stdio-guard.js';

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
  // Stdout closed early (`mlisp train --out m.json | head -1`) or failing
  // (`> /dev/full`): a command that writes files goes on and writes them;
  // any other ends at once. The exit code tells what happened.
  const stdio = watchProcessStdio();
  const finish = (code: number) => {
    const { code: exitCode, note } = exitAfterStdout(code, stdio.stdout.failure);
    if (note !== null) process.stderr.write(`${note}\n`);
    process.exitCode = exitCode;
  };
  onStdoutFailure(() => {
    if (!hasFilesToFinish()) {
      finish(0);
      process.exit();
    }
  });
  runCli(process.argv.slice(2), processIo()).then(finish, (error: unknown) => {
    process.stderr.write(`mlisp: internal error: ${String(error)}\n`);
    finish(1);
  });
}
