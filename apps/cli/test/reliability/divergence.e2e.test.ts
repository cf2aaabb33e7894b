// Divergence: with η = 100 (linear hidden layer, cross-entropy, λ = 0) the
// weights of a small network overflow to ±Infinity/NaN a few epochs in. The run
// must stop with exit 1 and a message naming the epoch and the mini-batch,
// save no model, and leave the last good checkpoint intact: it parses, holds
// only finite numbers, and is exactly the state after the previous epoch (the
// same bytes, timings aside, as a run told to stop there).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseModel } from '@mlisp/neurons';
import { afterAll, describe, expect, it } from 'vitest';
import { readCheckpoint } from '../../src/checkpoint.js';
import { jsonLines } from '../cli-runner.js';
import { spawnCli } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'mlisp-diverge-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FLAGS = [
  ...['--train', '200', '--test', '50', '--sizes', '784,10,10', '--batch', '10'],
  ...['--activation', 'linear', '--cost', 'cross-entropy', '--lambda', '0', '--eta', '100'],
  // float64: in float32 the weights overflow in the first epoch, before a checkpoint exists.
  '--precision',
  'f64',
];
const BATCHES = 20; // 200 samples in mini-batches of 10

/** A checkpoint file's JSON with the timings (`seconds` of each history entry) removed. */
function withoutTimings(file: string): unknown {
  const json = JSON.parse(readFileSync(file, 'utf8'));
  for (const event of json.trainer.history) delete event.seconds;
  for (const record of json.cli.records) delete record.seconds;
  return json;
}

describe('a diverging run', () => {
  it('stops with exit 1 naming the epoch and mini-batch, and keeps the previous epoch’s checkpoint intact', async () => {
    const ckpt = join(dir, 'diverge.ckpt.json');
    const out = join(dir, 'diverge.json');
    const result = await spawnCli([
      ...['train', ...FLAGS, '--epochs', '30', '--checkpoint', ckpt, '--out', out, '--json'],
    ]);
    expect(result.code, result.stderr).toBe(1);
    const match = result.stderr.match(
      /^mlisp: error: training diverged: a weight or bias became NaN or infinite in epoch (\d+), mini-batch (\d+) \(of (\d+)\), with eta = 100; try a smaller --eta \(now 100\)\n$/,
    );
    expect(match, result.stderr).not.toBeNull();
    const [epoch, batch, batches] = (match as RegExpMatchArray).slice(1).map(Number) as [
      number,
      number,
      number,
    ];
    // Not in the first epoch, so there is a good checkpoint to keep.
    expect(epoch).toBeGreaterThanOrEqual(2);
    expect(batches).toBe(BATCHES);
    expect(batch).toBeGreaterThanOrEqual(1);
    expect(batch).toBeLessThanOrEqual(BATCHES);

    // stdout: one finite epoch line per completed epoch, no "done" line.
    const lines = jsonLines(result.stdout);
    expect(lines.map((l) => l.epoch)).toEqual(Array.from({ length: epoch - 1 }, (_, i) => i + 1));
    for (const l of lines)
      expect(Number.isFinite(l.batchCost) && Number.isFinite(l.testCost)).toBe(true);
    expect(existsSync(out)).toBe(false); // no model full of NaN

    // The checkpoint: readable by the CLI and by parseModel, finite, from epoch - 1.
    const saved = readCheckpoint(ckpt);
    expect(saved.trainer.epoch).toBe(epoch - 1);
    expect(saved.trainer.batch).toBe(0);
    expect(saved.trainer.history).toHaveLength(epoch - 1);
    const json = JSON.parse(readFileSync(ckpt, 'utf8'));
    const model = parseModel(json.model);
    for (const layer of model.network.layers) {
      expect(layer.weights.data.every(Number.isFinite)).toBe(true);
      expect(layer.biases.data.every(Number.isFinite)).toBe(true);
    }

    // Exactly the state of a run stopped after epoch - 1.
    const refCkpt = join(dir, 'reference.ckpt.json');
    const reference = await spawnCli([
      ...['train', ...FLAGS, '--epochs', String(epoch - 1), '--checkpoint', refCkpt, '--json'],
    ]);
    expect(reference.code, reference.stderr).toBe(0);
    const ours = withoutTimings(ckpt) as { settings: Record<string, unknown> };
    const theirs = withoutTimings(refCkpt) as { settings: Record<string, unknown> };
    // The settings differ in the epochs asked for (30 vs epoch - 1), nothing else.
    expect(ours.settings.epochs).toBe(30);
    expect(theirs.settings.epochs).toBe(epoch - 1);
    theirs.settings.epochs = 30;
    expect(ours).toEqual(theirs);

    // Resuming it diverges again at the same place: the state is complete.
    const again = await spawnCli(['train', '--resume', ckpt, '--epochs', '30', '--json']);
    expect(again.code, again.stderr).toBe(1);
    expect(again.stderr).toContain(`in epoch ${epoch}, mini-batch ${batch} (of ${BATCHES})`);
  });
});
