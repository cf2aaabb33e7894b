// End-to-end: chapter 3's options of `mlisp train`. --validation holds out
// the end of the training set and scores the epochs on it; --early-stop stops
// n epochs after the best one and keeps its model (the very weights a run of
// that many epochs ends with); --eta-schedule halves η after n epochs without
// a better accuracy and stops at 1/128, checked against the rule applied to
// the run's own accuracies; both resume from a checkpoint taken in the middle
// of their wait with the same epochs, stop and model; --history holds what
// the JSON events say.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelJson } from '../src/model-json.js';
import { assertBuilt, jsonLines, run } from './cli-runner.js';

const dir = mkdtempSync(join(tmpdir(), 'mlisp-ch3-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Line = Record<string, unknown>;
const epochsOf = (lines: Line[]) => lines.filter((l) => l.event === 'epoch');
const doneOf = (lines: Line[]) => lines.find((l) => l.event === 'done') as Line;
const withoutSeconds = (lines: Line[]) => lines.map(({ seconds: _s, ...rest }) => rest);
const weightsOf = (file: string) => {
  const json = JSON.parse(readFileSync(file, 'utf8')) as ModelJson;
  return JSON.stringify([json.weights, json.biases]);
};

/** The first epoch with the highest accuracy (a later equal one is no improvement). */
function bestEpoch(accuracies: number[]): number {
  let best = 0;
  accuracies.forEach((a, i) => {
    if (a > (accuracies[best] as number)) best = i;
  });
  return best + 1;
}

const EARLY = ['--validation', '1000', '--early-stop', '2', '--epochs', '40'];
let early: Line[] = [];
const earlyOut = join(dir, 'early.json');

beforeAll(async () => {
  assertBuilt();
  // The issue's done-when command (with --out to check the model kept).
  const result = await run(['train', ...EARLY, '--json', '--out', earlyOut]);
  expect(result.code, result.stderr).toBe(0);
  early = jsonLines(result.stdout);
});

describe('--validation and --early-stop', () => {
  it('scores epochs on the validation data, stops 2 epochs after the best one and names it', () => {
    const epochs = epochsOf(early);
    expect(epochs.length).toBeLessThan(40);
    for (const e of epochs) {
      expect(Object.keys(e).sort()).toEqual([
        'batchCost',
        'epoch',
        'eta',
        'event',
        'seconds',
        'validationAccuracy',
        'validationCost',
      ]);
      // 1000 validation samples: accuracies are multiples of 1/1000.
      expect(
        Math.abs(
          (e.validationAccuracy as number) * 1000 -
            Math.round((e.validationAccuracy as number) * 1000),
        ),
      ).toBeLessThan(1e-9);
    }
    const accuracies = epochs.map((e) => e.validationAccuracy as number);
    const best = bestEpoch(accuracies);
    expect(epochs.length).toBe(best + 2);
    const done = doneOf(early);
    expect(done).toMatchObject({
      event: 'done',
      epochs: best + 2,
      stopReason: 'early-stopping',
      bestEpoch: best,
      bestValidationAccuracy: accuracies[best - 1],
      modelEpoch: best,
    });
  });

  it("saves the best epoch's model: the weights a run of that many epochs ends with", async () => {
    const best = doneOf(early).bestEpoch as number;
    const out = join(dir, 'plain.json');
    const plain = await run([
      'train',
      '--validation',
      '1000',
      '--epochs',
      String(best),
      '--json',
      '--out',
      out,
    ]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(weightsOf(earlyOut)).toBe(weightsOf(out));
    // The test set is scored once, at the end, on that model.
    expect(doneOf(jsonLines(plain.stdout)).testAccuracy).toBe(doneOf(early).testAccuracy);
  });

  it('resumed from a checkpoint taken while waiting for a better epoch: the same epochs, stop and model', async () => {
    const best = doneOf(early).bestEpoch as number;
    const ckpt = join(dir, 'early.ckpt.json');
    const first = await run([
      'train',
      ...EARLY.slice(0, 4),
      '--epochs',
      String(best + 1),
      '--checkpoint',
      ckpt,
      '--json',
    ]);
    expect(first.code, first.stderr).toBe(0);
    expect(doneOf(jsonLines(first.stdout)).stopReason).toBe('completed');
    const out = join(dir, 'early-resumed.json');
    const second = await run(['train', '--resume', ckpt, '--epochs', '40', '--json', '--out', out]);
    expect(second.code, second.stderr).toBe(0);
    const lines = jsonLines(second.stdout);
    expect(withoutSeconds(epochsOf(lines))).toEqual(
      withoutSeconds(epochsOf(early)).slice(best + 1),
    );
    const { seconds: _a, model: _m, ...done } = doneOf(lines);
    const { seconds: _b, model: _n, ...reference } = doneOf(early);
    expect(done).toEqual(reference);
    expect(weightsOf(out)).toBe(weightsOf(earlyOut));
  });

  it('prints the summary last: why it stopped, the best and the last epoch, the model kept', async () => {
    const result = await run([
      'train',
      '--train',
      '1500',
      '--test',
      '300',
      '--validation',
      '500',
      '--early-stop',
      '1',
      '--epochs',
      '30',
      '--quiet',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('data: 1000 training, 500 validation and 300 test digits');
    expect(result.stdout).toMatch(/epoch\s+batch cost\s+val cost\*\s+val acc\s+η\s+time/);
    expect(result.stdout).not.toContain('Some test digits'); // --quiet
    const tail = result.stdout.trimEnd().split('\n').slice(-4);
    expect(tail[0]).toMatch(
      /^done: \d+ epochs in .*; test accuracy \d+\.\d\d% \(\d+\/300\) of the best epoch's weights \(epoch \d+\)$/,
    );
    expect(tail[1]).toBe('stopped early: validation accuracy did not improve for 1 epoch');
    expect(tail[2]).toMatch(
      /^validation accuracy: last epoch \(\d+\) \d+\.\d\d%; best: epoch \d+, \d+\.\d\d%$/,
    );
    expect(tail[3]).toBe('model not saved (add --out FILE to keep it)');
  });
});

describe('--eta-schedule', () => {
  const FLAGS = [
    '--train',
    '1200',
    '--validation',
    '200',
    '--test',
    '100',
    '--eta-schedule',
    '1',
    '--eta',
    '2',
  ];
  let lines: Line[] = [];
  const out = join(dir, 'schedule.json');

  beforeAll(async () => {
    const result = await run(['train', ...FLAGS, '--epochs', '60', '--json', '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    lines = jsonLines(result.stdout);
  });

  it('halves η after each epoch without a better accuracy and stops at 1/128 of it, as the book', () => {
    const epochs = epochsOf(lines);
    // The book's rule, applied to the run's own accuracies.
    let eta = 2;
    let best = Number.NEGATIVE_INFINITY;
    let halvings = 0;
    let stop = epochs.length;
    epochs.forEach((e, i) => {
      expect(e.eta).toBe(eta);
      const a = e.validationAccuracy as number;
      if (a > best) best = a;
      else {
        eta /= 2;
        halvings += 1;
        if (halvings === 7 && stop === epochs.length) stop = i + 1;
      }
    });
    expect(epochs.length).toBe(stop);
    const done = doneOf(lines);
    expect(done.stopReason).toBe(halvings === 7 ? 'schedule' : 'completed');
    expect(halvings).toBe(7); // 60 epochs on 1000 samples stall often enough
  });

  it('resumed in the middle of the schedule: the same η, epochs, stop and model', async () => {
    const epochs = epochsOf(lines);
    const halved = epochs.findIndex((e) => (e.eta as number) < 2);
    const at = Math.min(epochs.length - 1, halved + 1);
    const ckpt = join(dir, 'schedule.ckpt.json');
    const first = await run([
      'train',
      ...FLAGS,
      '--epochs',
      String(at),
      '--checkpoint',
      ckpt,
      '--json',
    ]);
    expect(first.code, first.stderr).toBe(0);
    const resumedOut = join(dir, 'schedule-resumed.json');
    const second = await run([
      'train',
      '--resume',
      ckpt,
      '--epochs',
      '60',
      '--json',
      '--out',
      resumedOut,
    ]);
    expect(second.code, second.stderr).toBe(0);
    const resumed = jsonLines(second.stdout);
    expect(withoutSeconds(epochsOf(resumed))).toEqual(withoutSeconds(epochs).slice(at));
    expect(doneOf(resumed).stopReason).toBe(doneOf(lines).stopReason);
    expect(weightsOf(resumedOut)).toBe(weightsOf(out));
  });
});

describe('--history', () => {
  it('writes one CSV row per epoch with every figure of the JSON events, exactly', async () => {
    const file = join(dir, 'history.csv');
    const result = await run([
      'train',
      '--train',
      '800',
      '--test',
      '200',
      '--validation',
      '200',
      '--monitor-test',
      '--epochs',
      '3',
      '--json',
      '--history',
      file,
    ]);
    expect(result.code, result.stderr).toBe(0);
    const events = epochsOf(jsonLines(result.stdout));
    const [header, ...rows] = readFileSync(file, 'utf8').trimEnd().split('\n');
    const columns = (header as string).split(',');
    expect(columns).toEqual([
      'epoch',
      'batchCost',
      'validationCost',
      'validationAccuracy',
      'testCost',
      'testAccuracy',
      'eta',
      'seconds',
    ]);
    expect(rows).toHaveLength(3);
    rows.forEach((row, i) => {
      const values = Object.fromEntries(row.split(',').map((v, j) => [columns[j], Number(v)]));
      const { event: _e, ...figures } = events[i] as Line;
      expect(values).toEqual(figures);
    });
  });
});
