import type { Command } from 'commander';
import type { Io } from '../output.js';

/** Adds `mlisp export` to the program. */
export function registerExport(program: Command, _io: Io): void {
  program.command('export').description('TODO');
}
