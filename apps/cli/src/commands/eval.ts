import type { Command } from 'commander';
import type { Io } from '../output.js';

/** Adds `mlisp eval` to the program. */
export function registerEval(program: Command, _io: Io): void {
  program.command('eval').description('TODO');
}
