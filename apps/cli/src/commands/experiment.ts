/** `mlisp experiment list | ID | all`: run the problem set's self-checking experiments. */
import type { ExperimentResult } from '@mlisp/experiments';
import { loadBundled } from '@mlisp/mnist/node';
import type { Command } from 'commander';
import { ExitCode, UsageError } from '../errors.js';
import { readFlags } from '../flags.js';
import { eprintln, type Io, printJson, println, widthOf } from '../output.js';
import { formatSeconds } from '../progress.js';

/** Splits `text` into lines of at most `width` characters, at spaces. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

function text(value: string | number): string {
  if (typeof value === 'number') {
    return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
  }
  return value;
}

/** Prints one experiment result: title, claim and one row per check with a pass/fail mark. */
export function printResult(io: Io, result: ExperimentResult, seconds: number): void {
  const c = io.color;
  const passed = result.checks.filter((k) => k.pass).length;
  println(io, c.bold(`Problem ${result.problem}: ${result.title}`) + c.dim(`  (${result.id})`));
  for (const line of wrap(result.claim, widthOf(io) - 2)) println(io, `  ${line}`);
  for (const check of result.checks) {
    const mark = check.pass ? c.green('✓ pass') : c.red(c.bold('✗ FAIL'));
    println(io, `  ${mark}  ${check.name}`);
    println(io, c.dim(`            expected: ${text(check.expected)}`));
    println(io, c.dim(`            observed: ${text(check.observed)}`));
  }
  const all = passed === result.checks.length;
  const tally = `${passed}/${result.checks.length} checks passed`;
  println(io, `  ${all ? c.green(tally) : c.red(tally)} in ${formatSeconds(seconds)}`);
  println(io);
}

/** Adds `mlisp experiment` to the program. */
export function registerExperiment(program: Command, io: Io): void {
  program
    .command('experiment')
    .description("run the problem set's experiments; each check computes its own verdict")
    .argument(
      '<list|ID|N|all>',
      "'list' to see the experiments, an id or a problem number (as list shows it) to run one, 'all' to run every one",
    )
    .option('--quick', 'smaller, faster runs (fewer networks, samples and epochs)')
    .option('--seed <n>', 'seed of every random draw (default 1)')
    .option('--json', 'one JSON object per experiment: {id, problem, title, claim, checks, series}')
    .addHelpText(
      'after',
      `
Exits with 1 when any check fails.

Examples:
  $ mlisp experiment list
  $ mlisp experiment 4
  Problem 4: The steepest descent direction  (steepest-descent)
    ...
    ✓ pass  n = 2, ε = 0.001: ∇C·v of v = −η∇C equals −ε‖∇C‖
  $ mlisp experiment steepest-descent --seed 7
  $ mlisp experiment all --quick --json`,
    )
    .action(async (which: string, opts: Record<string, unknown>) => {
      const { seed } = readFlags(opts, ['seed']);
      const json = opts.json === true;
      // Loaded on demand: the other commands start without it.
      const { experiments, findExperiment } = await import('@mlisp/experiments');
      if (which === 'list') {
        for (const e of experiments) {
          if (json) printJson(io, { id: e.id, problem: e.problem, title: e.title });
          else println(io, `  ${String(e.problem).padStart(2)}  ${e.id.padEnd(28)} ${e.title}`);
        }
        return;
      }
      const one = findExperiment(which);
      const chosen = which === 'all' ? [...experiments] : one === undefined ? [] : [one];
      if (chosen.length === 0) {
        throw new UsageError(
          `unknown experiment '${which}' (expected list, all, a problem number ${experiments.map((e) => e.problem).join(', ')}, or one of ${experiments.map((e) => e.id).join(', ')})`,
        );
      }
      const mnist = await loadBundled();
      let failed = 0;
      for (const experiment of chosen) {
        if (!json && io.stderr.isTTY === true) {
          eprintln(io, io.colorErr.dim(`running ${experiment.id}…`));
        }
        const started = performance.now();
        const result = experiment.run({
          quick: opts.quick === true,
          mnist,
          ...(seed === undefined ? {} : { seed }),
        });
        const seconds = (performance.now() - started) / 1000;
        if (result.checks.some((k) => !k.pass)) failed += 1;
        if (json) printJson(io, result);
        else printResult(io, result, seconds);
      }
      if (!json && chosen.length > 1) {
        const ok = chosen.length - failed;
        println(io, `${ok}/${chosen.length} experiments passed every check`);
      }
      if (failed > 0) throw new ExitCode(1);
    });
}
