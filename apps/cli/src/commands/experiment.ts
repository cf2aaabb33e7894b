import type { Command } from 'commander';
import type { Io } from '../output.js';

/** Adds `mlisp experiment` to the program. */
export function registerExperiment(program: Command, _io: Io): void {
  program.command('experiment').description('TODO');
}
