/**
 * The `mlisp` command: train, evaluate, predict with and export MNIST networks,
 * export the bundled data, and run the problem-set experiments.
 *
 * Exit codes: 0 success, 1 a failure while running, 2 a usage error, 128 + n
 * stopped by signal n, 141 stdout closed by its reader.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
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

/**
 * Node 20 has WebAssembly's relaxed SIMD behind a flag (Node 21 and later, and
 * current browsers, have it on). With it the trainer's kernels use fused
 * multiply-adds: on Fashion-MNIST an epoch trains in about 0.93x the time. Set
 * before anything compiles or probes a WebAssembly module.
 */
function enableRelaxedSimd(): void {
  if (process.versions.node.startsWith('20.'))
    setFlagsFromString('--experimental-wasm-relaxed-simd');
}

if (isMain()) {
  enableRelaxedSimd();
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
