// End-to-end: a run stopped (after epoch k, or by Ctrl-C in the middle of an
// epoch) and resumed from its checkpoint ends with weights bit-identical to a
// run that was never interrupted.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelJson } from '../src/model-json.js';
import { assertBuilt, jsonLines, run } from './cli-runner.js';

const dir = mkdtempSync(join(tmpdir(), 'mlisp-ckpt-'));
const FLAGS = [
  '--train',
  '1200',
  '--test',
  '100',
  '--sizes',
  '784,20,10',
  '--momentum',
  '0.5',
  '--seed',
  '7',
];
const EPOCHS = 4;

function weightsOf(file: string): string {
  const json = JSON.parse(readFileSync(file, 'utf8')) as ModelJson;
  return JSON.stringify([json.weights, json.biases]);
}

let reference = '';
let referenceLines: Record<string, unknown>[] = [];

beforeAll(async () => {
  assertBuilt();
  const out = join(dir, 'uninterrupted.json');
  const result = await run(['train', ...FLAGS, '--epochs', String(EPOCHS), '--out', out, '--json']);
  expect(result.code, result.stderr).toBe(0);
  reference = weightsOf(out);
  referenceLines = jsonLines(result.stdout);
});

describe('checkpoint and resume', () => {
  it('stopped after epoch 2 and resumed to epoch 4: bit-identical weights and history', async () => {
    const ckpt = join(dir, 'after-2.ckpt.json');
    const first = await run(['train', ...FLAGS, '--epochs', '2', '--checkpoint', ckpt, '--json']);
    expect(first.code, first.stderr).toBe(0);
    const out = join(dir, 'resumed.json');
    const second = await run([
      'train',
      '--resume',
      ckpt,
      '--epochs',
      String(EPOCHS),
      '--out',
      out,
      '--json',
    ]);
    expect(second.code, second.stderr).toBe(0);
    expect(weightsOf(out)).toBe(reference);
    const resumed = jsonLines(second.stdout).filter((l) => l.event === 'epoch');
    expect(resumed.map((l) => l.epoch)).toEqual([3, 4]);
    const strip = (l: Record<string, unknown>) => ({ ...l, seconds: 0 });
    expect(resumed.map(strip)).toEqual(referenceLines.slice(2, 4).map(strip));
  });

  it('Ctrl-C stops at a mini-batch boundary, saves the checkpoint, and resuming gives the same weights', async () => {
    const ckpt = join(dir, 'sigint.ckpt.json');
    let sent = false;
    const stopped = await run(
      ['train', ...FLAGS, '--epochs', '200', '--checkpoint', ckpt, '--json'],
      {
        onStdout: (text, child) => {
          if (!sent && text.includes('"event":"epoch"')) {
            sent = true;
            child.kill('SIGINT');
          }
        },
      },
    );
    expect(stopped.code, stopped.stderr).toBe(130);
    expect(stopped.stderr).toContain('stopping after this mini-batch');
    const done = jsonLines(stopped.stdout).at(-1);
    expect(done).toMatchObject({ event: 'done', interrupted: true });
    expect(existsSync(ckpt)).toBe(true);
    const state = JSON.parse(readFileSync(ckpt, 'utf8')).trainer;
    expect(state.epoch).toBeLessThan(EPOCHS);
    const out = join(dir, 'sigint-resumed.json');
    const resumed = await run([
      'train',
      '--resume',
      ckpt,
      '--epochs',
      String(EPOCHS),
      '--out',
      out,
      '--json',
    ]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(weightsOf(out)).toBe(reference);
  });

  it('refuses to change the training settings of a resumed run', async () => {
    const ckpt = join(dir, 'after-2.ckpt.json');
    const result = await run(['train', '--resume', ckpt, '--eta', '0.1']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--eta cannot change when resuming');
  });
});
