import type { Command } from 'commander';
import type { Io } from '../output.js';

/** Adds `mlisp train` to the program. */
export function registerTrain(program: Command, _io: Io): void {
  program.command('train').description('TODO');
}
