import type { Command } from 'commander';
import type { Io } from '../output.js';

/** Adds `mlisp data` to the program. */
export function registerData(program: Command, _io: Io): void {
  program.command('data').description('TODO');
}
