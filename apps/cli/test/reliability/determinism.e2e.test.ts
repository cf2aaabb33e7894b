// Determinism across processes: the same seed and flags, run in two separate
// processes at the same time, give byte-identical model files. The model's
// `meta` holds no timestamp (createdBy, epochs, testAccuracy, settings), so
// nothing is removed before comparing. Checkpoints are compared after removing
// `trainer.history[].seconds` (epoch timings), and the --json lines after
// removing `seconds` (and `model`, the --out path, which the two runs choose
// differently): those are the only fields that may differ.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonLines } from '../cli-runner.js';
import { sha256, spawnCli } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'mlisp-determinism-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CONFIGS: Record<string, string[]> = {
  // The defaults (sigmoid, cross-entropy, λ 5), shuffled, on a subset.
  sigmoid: ['--train', '500', '--test', '100', '--sizes', '784,16,10', '--seed', '42'],
  // Everything that draws or carries state: relu, softmax, momentum, he init, a ragged last batch.
  softmax: [
    ...['--train', '505', '--test', '100', '--sizes', '784,12,10', '--seed', '7'],
    ...['--activation', 'relu', '--output', 'softmax', '--cost', 'log-likelihood'],
    ...['--eta', '0.1', '--lambda', '1', '--momentum', '0.5', '--init', 'he', '--batch', '20'],
  ],
};

interface Run {
  model: Buffer;
  checkpoint: Record<string, unknown>;
  lines: Record<string, unknown>[];
}

async function train(name: string, flags: string[], copy: number): Promise<Run> {
  const out = join(dir, `${name}-${copy}.json`);
  const ckpt = join(dir, `${name}-${copy}.ckpt.json`);
  const result = await spawnCli([
    ...['train', ...flags, '--epochs', '3', '--out', out, '--checkpoint', ckpt, '--json'],
  ]);
  expect(result.code, result.stderr).toBe(0);
  const checkpoint = JSON.parse(readFileSync(ckpt, 'utf8'));
  for (const event of checkpoint.trainer.history) delete event.seconds;
  for (const record of checkpoint.cli.records) delete record.seconds;
  // `model` is the --out path, which differs between the two runs by design.
  const lines = jsonLines(result.stdout).map(({ seconds: _s, model: _m, ...rest }) => rest);
  return { model: readFileSync(out), checkpoint, lines };
}

describe('the same seed and flags in two processes', () => {
  it.each(Object.keys(CONFIGS))(
    '%s: byte-identical model files and identical checkpoints',
    async (name) => {
      const flags = CONFIGS[name] as string[];
      const [a, b] = await Promise.all([train(name, flags, 1), train(name, flags, 2)]);
      expect(sha256(a.model)).toBe(sha256(b.model));
      expect(a.model.equals(b.model)).toBe(true);
      // Nothing time-dependent in the model file.
      const meta = JSON.parse(a.model.toString('utf8')).meta as Record<string, unknown>;
      expect(Object.keys(meta).sort()).toEqual(['createdBy', 'epochs', 'settings', 'testAccuracy']);
      expect(a.model.toString('utf8')).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:/);
      expect(a.checkpoint).toEqual(b.checkpoint);
      expect(a.lines).toEqual(b.lines);
      expect(a.lines).toHaveLength(4);
    },
  );

  it('a different seed gives a different model (the comparison can fail)', async () => {
    const flags = CONFIGS.sigmoid as string[];
    const other = flags.map((v) => (v === '42' ? '43' : v));
    const [a, b] = await Promise.all([train('seed', flags, 1), train('seed', other, 2)]);
    expect(a.model.equals(b.model)).toBe(false);
  });
});
