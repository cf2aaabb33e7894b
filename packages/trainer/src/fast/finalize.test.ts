// Engines dropped without close() are freed: the finalizer stops their
// workers once the engine is garbage-collected. Checked in a child process
// run with --expose-gc, which starts 50 two-thread engines, drops them, and
// reports its thread count (Linux /proc) and RSS before, at the peak and after.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const trainer = new URL('../../dist/index.js', import.meta.url);
const neurons = new URL('../../../neurons/dist/index.js', import.meta.url);

const SCRIPT = `
const { createEpochEngine } = await import(${JSON.stringify(trainer.href)});
const { createNetwork } = await import(${JSON.stringify(neurons.href)});
const { readFileSync } = await import('node:fs');
const threads = () => Number(/Threads:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]);
const rss = () => process.memoryUsage().rss;
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const inputs = { rows: 4, cols: 20, data: new Float64Array(80).fill(0.5) };
const targets = { rows: 4, cols: 3, data: new Float64Array(12) };
async function startAndDrop(count) {
  for (let i = 0; i < count; i++) {
    const engine = await createEpochEngine(createNetwork([20, 16, 3], { seed: i }), {
      cost: 'cross-entropy', eta: 0.5, batchSize: 2, threads: 2,
    });
    engine.runEpoch(inputs, targets, [0, 1, 2, 3]);
  }
}
globalThis.gc();
const before = { threads: threads(), rss: rss() };
await startAndDrop(50);
const peak = { threads: threads(), rss: rss() };
let after = peak;
for (let k = 0; k < 100 && after.threads > before.threads + 2; k++) {
  globalThis.gc();
  await pause(50);
  after = { threads: threads(), rss: rss() };
}
console.log(JSON.stringify({ before, peak, after }));
`;

// It reads Linux's /proc and imports the built packages (pnpm build runs before the tests in CI).
const linux = existsSync('/proc/self/status');
const built = existsSync(fileURLToPath(trainer)) && existsSync(fileURLToPath(neurons));

describe.runIf(linux && built)('engines dropped without close()', () => {
  it('have their worker threads stopped and their memory released once collected', () => {
    const child = spawnSync(
      process.execPath,
      ['--expose-gc', '--input-type=module', '--eval', SCRIPT],
      { encoding: 'utf8', timeout: 120_000 },
    );
    expect(child.status, child.stderr).toBe(0);
    const { before, peak, after } = JSON.parse(child.stdout.trim().split('\n').at(-1) as string);
    // Each two-thread engine runs one worker thread.
    expect(peak.threads).toBeGreaterThanOrEqual(before.threads + 50);
    expect(after.threads).toBeLessThanOrEqual(before.threads + 2);
    // The workers' isolates and the engines' memories are returned (most of what the peak added).
    expect(after.rss - before.rss).toBeLessThan((peak.rss - before.rss) / 2);
  });
});
