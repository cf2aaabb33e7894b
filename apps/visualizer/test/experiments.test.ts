/**
 * Browser tests of the Experiments view against the production build, in
 * Debian's Chromium: every experiment of @mlisp/experiments opens, runs in the
 * worker, plots its series and lists the same checks with the same verdicts
 * as the same experiment run in Node; problem 2's slider morphs the sigmoid
 * into the step.
 */
import { type ExperimentResult, experiments, runExperiment, type Series } from '@mlisp/experiments';
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
      // Every chart draws its data: each series as many points as the experiment
      // gave (finite ones; a log axis drops values <= 0), titles in words.
      const drawn = await page.$$eval(`${card} figure.chart[data-points]`, (figs) =>
        figs.map((f) => ({
          title: f.getAttribute('data-chart') ?? '',
          points: (f.getAttribute('data-points') ?? '').split(',').map(Number),
        })),
      );
      for (const chart of drawn) {
        expect(chart.points.every((n) => n > 0)).toBe(true);
      }
      const series = expected.series as (Series & { plotTitle?: string })[];
      const titles = [...new Set(series.map((s) => s.plotTitle ?? s.plot ?? s.name))];
      expect(
        drawn.filter((c) => c.title !== 'Sigmoid neuron → perceptron').map((c) => c.title),
      ).toEqual(titles);
      // Tick labels say something: no axis reads the same label twice (P4's read 0, -0, 0…).
      const ticks = await page.$$eval(`${card} figure.chart`, (figs) =>
        figs.flatMap((f) => [f.dataset.ticks0 ?? '', f.dataset.ticks1 ?? '']),
      );
      for (const axis of ticks) {
        const labels = axis.split('|').filter((t) => t !== '');
        expect(labels.length).toBeGreaterThan(1);
        expect(new Set(labels).size).toBe(labels.length);
      }
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
