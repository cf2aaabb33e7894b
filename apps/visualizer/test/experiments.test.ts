/**
 * Browser tests of the Experiments view against the production build, in
 * Debian's Chromium: every experiment of @mlisp/experiments opens, runs in the
 * worker, plots its series and lists the same checks with the same verdicts
 * as the same experiment run in Node; problem 2's slider morphs the sigmoid
 * into the step.
 */
import { type ExperimentResult, experiments, runExperiment } from '@mlisp/experiments';
import { loadBundledSync } from '@mlisp/mnist/node';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, openView, type Session, screenshot, serveDist } from './harness.js';

let server: Awaited<ReturnType<typeof serveDist>>;
let session: Session;
let page: Page;

beforeAll(async () => {
  server = await serveDist();
  session = await launch();
  page = session.page;
  await page.goto(`${server.url}#experiments`);
  await page.waitForSelector('html[data-usable="true"]');
  await openView(page, 'experiments');
});

afterAll(async () => {
  await session?.close();
  await server?.close();
});

describe('experiments view', () => {
  it('lists every experiment of @mlisp/experiments', async () => {
    const ids = await page.$$eval('button[data-experiment]', (els) =>
      els.map((e) => e.getAttribute('data-experiment')),
    );
    expect(ids).toEqual(experiments.map((e) => e.id));
  });

  const mnist = loadBundledSync();
  for (const experiment of experiments) {
    it(`P${experiment.problem} ${experiment.id}: plots its series beside the same checks as in Node`, async () => {
      const expected: ExperimentResult = runExperiment(experiment.id, { seed: 1, mnist });
      await page.click(`button[data-experiment="${experiment.id}"]`);
      const card = `[data-testid="experiment-detail"] [data-experiment="${experiment.id}"]`;
      await page.waitForSelector(card, { timeout: 120_000 });
      const plots = new Set(expected.series.map((s) => s.plot ?? s.name)).size;
      // One uPlot chart per plot id (problem 2 adds the slider's chart).
      const charts = await page.locator(`${card} figure.chart canvas`).count();
      expect(charts).toBe(plots + (experiment.problem === 2 ? 1 : 0));
      expect(charts).toBeGreaterThan(0);
      const rows = await page.$$eval(`${card} [data-testid="checks"] tr`, (trs) =>
        trs.slice(1).map((tr) => {
          const cells = Array.from(tr.querySelectorAll('td'), (td) => td.textContent ?? '');
          return { name: cells[0], pass: cells[3]?.includes('pass') };
        }),
      );
      expect(rows).toEqual(expected.checks.map((c) => ({ name: c.name, pass: c.pass })));
      expect(await page.textContent(`${card} h3`)).toBe(
        `Problem ${expected.problem}: ${expected.title}`,
      );
      await screenshot(page, `experiment-p${experiment.problem}-${experiment.id}`);
      expect(session.errors).toEqual([]);
    });
  }

  it('P2: the slider for c morphs σ(c·z) into the step', async () => {
    await page.click('button[data-experiment="sigmoid-limit"]');
    await page.waitForSelector('[data-testid="c-slider"]');
    const curve = async () =>
      page.evaluate(() => {
        const chart = document.querySelector('[data-testid="c-chart"] canvas') as HTMLCanvasElement;
        return chart.toDataURL();
      });
    const before = await curve();
    await page.fill('[data-testid="c-slider"]', '3');
    await page.dispatchEvent('[data-testid="c-slider"]', 'input');
    expect(await page.textContent('[data-testid="c-value"]')).toBe('c = 1000');
    await page.waitForFunction((prev) => {
      const chart = document.querySelector('[data-testid="c-chart"] canvas') as HTMLCanvasElement;
      return chart.toDataURL() !== prev;
    }, before);
    await screenshot(page, 'experiment-p2-slider-c1000');
    expect(session.errors).toEqual([]);
  });
});
