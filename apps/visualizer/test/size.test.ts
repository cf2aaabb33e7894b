/**
 * The production bundle stays within its size budget (scripts/size.mjs, the
 * script the README's figures come from), and the budget check fails on a
 * build that exceeds it.
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module script without types
import { BUDGET, measure, overBudget } from '../scripts/size.mjs';
import { assertBuilt, DIST } from './harness.js';

describe('bundle size', () => {
  it('first load and the whole app are within the budget (gzip)', () => {
    assertBuilt();
    const sizes = measure(DIST);
    console.log(
      `first load ${(sizes.firstLoad.gzip / 1024).toFixed(1)} KiB gzip, whole app ${(sizes.total.gzip / 1024).toFixed(1)} KiB gzip`,
    );
    expect(sizes.firstLoad.gzip).toBeGreaterThan(20 * 1024);
    expect(sizes.total.gzip).toBeGreaterThanOrEqual(sizes.firstLoad.gzip);
    expect(overBudget(sizes)).toEqual([]);
  });

  it('a build past the budget is refused', () => {
    const copy = mkdtempSync(join(tmpdir(), 'mlisp-size-'));
    try {
      cpSync(DIST, copy, { recursive: true });
      // Incompressible bytes (SHA-256 in counter mode): gzip cannot shrink them.
      const blocks: Buffer[] = [];
      for (let i = 0; i * 32 < BUDGET.totalGzip; i++) {
        blocks.push(createHash('sha256').update(String(i)).digest());
      }
      const noise = Buffer.concat(blocks);
      writeFileSync(join(copy, 'assets', 'extra.js'), noise);
      const problems = overBudget(measure(copy));
      expect(problems.length).toBe(2);
      expect(problems[0]).toMatch(/^first load is [\d.]+ KiB gzip, over its budget of 170\.0 KiB$/);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
