/**
 * The command tree (commander) and the error handling that turns every
 * failure into a message and an exit code: 2 for usage errors (commander's own,
 * such as an unknown flag, and ours), 1 for failures while running.
 */
import { Command, CommanderError } from 'commander';
import { registerData } from './commands/data.js';
import { registerEval } from './commands/eval.js';
import { registerExperiment } from './commands/experiment.js';
import { registerExport } from './commands/export.js';
import { registerPredict } from './commands/predict.js';
import { registerTrain } from './commands/train.js';
import {
  EXIT_FAILURE,
  EXIT_OK,
  EXIT_USAGE,
  ExitCode,
  exitCodeOf,
  messageOf,
  UsageError,
} from './errors.js';
import type { Io } from './output.js';
import { VERSION } from './version.js';

/** The `mlisp` program with all its commands, printing through `io`. */
export function buildProgram(io: Io): Command {
  const program = new Command('mlisp');
  const c = io.colorErr;
  program
    .description(
      'Train, evaluate and export feed-forward neural networks on MNIST digits,\nthe way Nielsen\'s "Neural Networks and Deep Learning" teaches them.',
    )
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .helpCommand('help [command]', 'show help for a command')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(c.red(text.replace(/^error: /, 'mlisp: error: '))),
    })
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      `
Examples:
  $ mlisp train                          train [784,30,10] on the bundled digits
  $ mlisp train --epochs 5 --out net.json
  $ mlisp eval net.json
  $ mlisp predict net.json --index 0
  $ mlisp experiment list

Exit codes: 0 success, 1 failure while running, 2 usage error,
128+n stopped by signal n (130 Ctrl-C, 143 SIGTERM, 129 SIGHUP),
141 stdout closed by its reader (files asked for are still written).`,
    );
  registerTrain(program, io);
  registerEval(program, io);
  registerPredict(program, io);
  registerExport(program, io);
  registerData(program, io);
  registerExperiment(program, io);
  return program;
}

/**
 * Runs `mlisp` with `argv` (the arguments after the program name) and returns
 * the exit code. Never throws.
 */
export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  const program = buildProgram(io);
  if (argv.length === 0) {
    io.stderr.write(program.helpInformation());
    return EXIT_USAGE;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.exitCode === 0
      ) {
        return EXIT_OK;
      }
      // Commander already printed its message (it names the flag or command).
      if (error.code !== 'commander.help') {
        io.stderr.write("Run 'mlisp --help' or 'mlisp COMMAND --help' for usage.\n");
      }
      return EXIT_USAGE;
    }
    if (error instanceof ExitCode) return error.exitCode;
    const prefix = error instanceof UsageError ? 'mlisp: usage error: ' : 'mlisp: error: ';
    io.stderr.write(`${io.colorErr.red(prefix + messageOf(error))}\n`);
    if (error instanceof UsageError) {
      io.stderr.write("Run 'mlisp COMMAND --help' for the allowed flags and values.\n");
    }
    return exitCodeOf(error) === EXIT_USAGE ? EXIT_USAGE : EXIT_FAILURE;
  }
}
