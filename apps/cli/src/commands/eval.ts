/** `mlisp eval MODEL`: accuracy, cost and confusion matrix on the test split. */
import type { Command } from 'commander';
import { evaluate } from '../classify.js';
import { describeData, loadData } from '../data.js';
import { readFlags } from '../flags.js';
import { checkDigitModel } from '../model-check.js';
import { readModel } from '../model-file.js';
import { type Io, printJson, println } from '../output.js';
import { formatPercent } from '../progress.js';
import { renderConfusion } from '../render.js';

/** Adds `mlisp eval` to the program. */
export function registerEval(program: Command, io: Io): void {
  program
    .command('eval')
    .description('accuracy, cost and confusion matrix of a saved model on the test digits')
    .argument(
      '<MODEL>',
      'a model file (mlisp train --out), network2.py JSON (save()) or a training checkpoint',
    )
    .option(
      '--data <bundled|dir>',
      'bundled digits, or a folder with the four MNIST IDX files (default bundled)',
    )
    .option('--test <n>', 'use the first N test samples')
    .option('--json', 'print one JSON object: accuracy, correct, total, cost, confusion')
    .addHelpText(
      'after',
      `
Example:
  $ mlisp eval net.json
  net.json on 2004 test digits (the bundled digits)
  accuracy 95.86% (1921/2004), mean cross-entropy cost 0.2937
  ...confusion matrix: one row per true digit, one column per answer

  $ mlisp eval net.json --json
  {"accuracy":0.9586,"correct":1921,"total":2004,"cost":0.2937,"confusion":[[...],...]}`,
    )
    .action(async (model: string, opts: Record<string, unknown>) => {
      const flags = readFlags({ ...opts, model }, ['model', 'data', 'test']);
      const loaded = readModel(flags.model as string, 'MODEL', { checkpoint: true });
      checkDigitModel(loaded, model);
      const choice = flags.data ?? { kind: 'bundled' as const };
      const data = await loadData(choice, { test: flags.test });
      const e = evaluate(loaded.network, loaded.cost, data.test);
      if (opts.json === true) {
        printJson(io, {
          accuracy: e.accuracy,
          correct: e.correct,
          total: e.total,
          cost: e.cost,
          confusion: e.confusion,
        });
        return;
      }
      const c = io.color;
      println(io, `${model} on ${e.total} test digits (${describeData(choice)})`);
      println(
        io,
        `accuracy ${c.bold(formatPercent(e.accuracy))} (${e.correct}/${e.total}), mean ${loaded.cost} cost ${e.cost.toFixed(4)}`,
      );
      println(io);
      for (const line of renderConfusion(e.confusion, c)) println(io, line);
    });
}
