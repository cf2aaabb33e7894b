import type { Command } from 'commander';
import type { Io } from '../output.js';

/** Adds `mlisp predict` to the program. */
export function registerPredict(program: Command, _io: Io): void {
  program.command('predict').description('TODO');
}
