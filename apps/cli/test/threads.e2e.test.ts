// End-to-end: `mlisp train --threads 1|2|auto` trains bit-identically (the
// fast engine's threads never change a value), a run checkpointed on one
// thread count resumes bit-identically on another (after an epoch, and after
// Ctrl-C in the middle of one), and --threads values the run cannot have exit
// with 2. Every run must also end by itself: the engine's workers are closed.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelJson } from '../src/model-json.js';
import { assertBuilt, jsonLines, run } from './cli-runner.js';

const dir = mkdtempSync(join(tmpdir(), 'mlisp-threads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A sigmoid network without momentum trains on the fast engine; 40 hidden
// neurons give each of two threads a share of every layer. The schedule is
// not used by the CLI, so η stays 0.5.
const FLAGS = ['--train', '1500', '--test', '200', '--sizes', '784,40,10', '--seed', '5'];
const EPOCHS = 4;

function weightsOf(file: string): string {
  const json = JSON.parse(readFileSync(file, 'utf8')) as ModelJson;
  return JSON.stringify([json.weights, json.biases]);
}

const withoutSeconds = (lines: Record<string, unknown>[]) =>
  lines.map(({ seconds: _s, ...rest }) => rest);

let reference = '';
let referenceLines: Record<string, unknown>[] = [];

beforeAll(async () => {
  assertBuilt();
  const out = join(dir, 'one-thread.json');
  const result = await run([
    'train',
    ...FLAGS,
    '--epochs',
    String(EPOCHS),
    '--threads',
    '1',
    '--out',
    out,
    '--json',
  ]);
  expect(result.code, result.stderr).toBe(0);
  reference = weightsOf(out);
  referenceLines = jsonLines(result.stdout);
  expect(referenceLines.at(-1)).toMatchObject({ event: 'done', threads: 1 });
});

describe('mlisp train --threads', () => {
  it.each([
    ['2', 2],
    // [784,40,10] in batches of 10 (126,000 multiply-adds on the digits) is too small for a second thread.
    ['auto', 1],
  ])(
    '--threads %s trains the same weights and epochs as --threads 1, on up to %i threads',
    async (flag, threads) => {
      const out = join(dir, `threads-${flag}.json`);
      const result = await run([
        'train',
        ...FLAGS,
        '--epochs',
        String(EPOCHS),
        '--threads',
        flag,
        '--out',
        out,
        '--json',
      ]);
      expect(result.code, result.stderr).toBe(0);
      expect(weightsOf(out)).toBe(reference);
      const lines = jsonLines(result.stdout);
      expect(lines.at(-1)).toMatchObject({ event: 'done', threads });
      const epochs = (l: Record<string, unknown>[]) => l.filter((e) => e.event === 'epoch');
      expect(withoutSeconds(epochs(lines))).toEqual(withoutSeconds(epochs(referenceLines)));
    },
  );

  it('without --threads starts a second thread only for a network big enough, and says so', async () => {
    const sizes = FLAGS.indexOf('--sizes') + 1;
    // [784,40,10]: 10 · (0.39 · 784·40 + 400) ≈ 126,000 multiply-adds per batch on the digits (< 200,000).
    const small = await run(['train', ...FLAGS, '--epochs', '1']);
    expect(small.code, small.stderr).toBe(0);
    expect(small.stdout).toMatch(/^done: 1 epoch in .* \(training .*, 1 thread\); test accuracy/m);
    // [784,100,10]: ≈ 320,000.
    const wide = FLAGS.map((flag, i) => (i === sizes ? '784,100,10' : flag));
    const big = await run(['train', ...wide, '--epochs', '1']);
    expect(big.code, big.stderr).toBe(0);
    expect(big.stdout).toMatch(
      /^done: 1 epoch in .* \(training .*, 1 or 2 threads\); test accuracy/m,
    );
    const two = await run(['train', ...wide, '--epochs', '1', '--threads', '2']);
    expect(two.stdout).toMatch(/^done: 1 epoch in .* \(training .*, 2 threads\); test accuracy/m);
  });

  it('a checkpoint of a two-thread run resumes on one thread bit-identically', async () => {
    const ckpt = join(dir, 'two-threads.ckpt.json');
    const first = await run([
      'train',
      ...FLAGS,
      '--epochs',
      '2',
      '--threads',
      '2',
      '--checkpoint',
      ckpt,
      '--json',
    ]);
    expect(first.code, first.stderr).toBe(0);
    const out = join(dir, 'resumed-on-one.json');
    const second = await run([
      'train',
      '--resume',
      ckpt,
      '--epochs',
      String(EPOCHS),
      '--threads',
      '1',
      '--out',
      out,
      '--json',
    ]);
    expect(second.code, second.stderr).toBe(0);
    expect(weightsOf(out)).toBe(reference);
    const resumed = jsonLines(second.stdout).filter((l) => l.event === 'epoch');
    expect(withoutSeconds(resumed)).toEqual(withoutSeconds(referenceLines.slice(2, 4)));
  });

  it('Ctrl-C on one thread, resumed on two: the same weights', async () => {
    const ckpt = join(dir, 'sigint.ckpt.json');
    let sent = false;
    const stopped = await run(
      ['train', ...FLAGS, '--epochs', '300', '--threads', '1', '--checkpoint', ckpt, '--json'],
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
    expect(jsonLines(stopped.stdout).at(-1)).toMatchObject({ event: 'done', interrupted: true });
    const state = JSON.parse(readFileSync(ckpt, 'utf8')).trainer;
    expect(state.epoch).toBeLessThan(EPOCHS);
    const out = join(dir, 'sigint-resumed-on-two.json');
    const resumed = await run([
      'train',
      '--resume',
      ckpt,
      '--epochs',
      String(EPOCHS),
      '--threads',
      '2',
      '--out',
      out,
      '--json',
    ]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(jsonLines(resumed.stdout).at(-1)).toMatchObject({ event: 'done', threads: 2 });
    expect(weightsOf(out)).toBe(reference);
  });

  it('--threads 2 trains a relu network on the engine too, bit-identically to one thread', async () => {
    const args = ['train', ...FLAGS, '--epochs', '1', '--activation', 'relu', '--json'];
    const one = await run([...args, '--threads', '1']);
    const two = await run([...args, '--threads', '2']);
    expect(two.code, two.stderr).toBe(0);
    expect(jsonLines(two.stdout).at(-1)).toMatchObject({ event: 'done', threads: 2 });
    const epochs = (r: typeof one) =>
      withoutSeconds(jsonLines(r.stdout).filter((e) => e.event === 'epoch'));
    expect(epochs(two)).toEqual(epochs(one));
  });

  it('a bad --threads value exits 2 naming the flag, the value and what is expected', async () => {
    const result = await run(['train', '--threads', 'many']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      "invalid value for --threads: 'many' (expected auto or a whole number from 1 to 8)",
    );
  });

  it('--help lists --threads', async () => {
    const result = await run(['train', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/--threads <n\|auto>\s+threads that share the engine's work/);
  });
});
