/**
 * Browser tests of the Train, Network and Digits views against the production
 * build, in Debian's Chromium: the page is usable quickly, a small network
 * trains past 80% test accuracy in the worker, Step and Pause work, the URL
 * hash carries the settings, and the weights and digits are drawn.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { oneHotBatch } from '@mlisp/encoders';
import { loadBundledSync } from '@mlisp/mnist/node';
import { createNetwork, parseModel } from '@mlisp/neurons';
import { Rng, rowView } from '@mlisp/tensor';
import { trainInPlace } from '@mlisp/trainer';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, openView, SCREENSHOTS, type Session, screenshot, serveDist } from './harness.js';

let server: Awaited<ReturnType<typeof serveDist>>;
let session: Session;
let page: Page;

const RUN =
  'sizes=784-30-10&act=sigmoid&cost=cross-entropy&eta=0.5&lambda=0&batch=10&epochs=3&init=scaled&seed=7&train=7996';

async function text(selector: string): Promise<string> {
  return (await page.textContent(selector))?.trim() ?? '';
}

beforeAll(async () => {
  server = await serveDist();
  session = await launch();
  page = session.page;
  // Reset and structural setting changes ask before discarding a trained
  // network (live.test.ts checks both answers); here the answer is yes.
  page.on('dialog', (dialog) => void dialog.accept());
});

afterAll(async () => {
  await session?.close();
  await server?.close();
});

describe('train view', () => {
  it('becomes usable quickly, with the settings of the URL hash', async () => {
    await page.goto(`${server.url}#train?${RUN}`);
    await page.waitForSelector('html[data-usable="true"]');
    const timing = await page.evaluate(() => {
      const usable = performance.getEntriesByName('mlisp:usable')[0]!.startTime;
      const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null;
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      return { firstContentfulPaint: fcp, usable, domContentLoaded: nav.domContentLoadedEventEnd };
    });
    mkdirSync(SCREENSHOTS, { recursive: true });
    writeFileSync(join(SCREENSHOTS, 'timing.json'), `${JSON.stringify(timing, null, 2)}\n`);
    console.log(`visualizer timing on localhost (ms): ${JSON.stringify(timing)}`);
    expect(timing.usable).toBeGreaterThan(0);
    expect(await page.inputValue('[data-testid="setting-sizes"]')).toBe('784-30-10');
    expect(await page.inputValue('[data-testid="setting-eta"]')).toBe('0.5');
    expect(await page.inputValue('[data-testid="setting-seed"]')).toBe('7');
    expect(await page.inputValue('[data-testid="setting-epochs"]')).toBe('3');
    expect(await page.locator('nav.tabs button').count()).toBe(5);
    expect(await page.isEnabled('[data-testid="start"]')).toBe(true);
    expect(session.errors).toEqual([]);
  });

  it('Step trains exactly one mini-batch and pauses', async () => {
    await page.click('[data-testid="step"]');
    await page.waitForFunction(
      () =>
        document.querySelector('[aria-label="Train"]')?.getAttribute('data-status') === 'paused',
    );
    const progress = await page.evaluate(() => {
      const p = document.querySelector('[aria-label="Train"] progress') as HTMLProgressElement;
      return { value: p.value, max: p.max };
    });
    expect(progress).toEqual({ value: 1, max: 800 });
    expect(await text('[data-testid="stat-epoch"]')).toBe('0');
    expect(await text('[data-testid="status"]')).toBe(
      'paused in epoch 1, after mini-batch 1 of 800',
    );
  });

  it('Start trains in the worker past 80% test accuracy while the page stays responsive', async () => {
    await page.click('[data-testid="reset"]');
    await page.waitForFunction(
      () => document.querySelector('[aria-label="Train"]')?.getAttribute('data-status') === 'idle',
    );
    await page.click('[data-testid="start"]');
    // The page answers while the worker trains: the main thread is never blocked for long.
    const gap = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          let last = performance.now();
          let worst = 0;
          const started = last;
          const tick = () => {
            const now = performance.now();
            worst = Math.max(worst, now - last);
            last = now;
            if (now - started < 1000) requestAnimationFrame(tick);
            else resolve(worst);
          };
          requestAnimationFrame(tick);
        }),
    );
    expect(gap).toBeLessThan(1000);
    await page.waitForFunction(
      () => document.querySelector('[aria-label="Train"]')?.getAttribute('data-status') === 'done',
      undefined,
      { timeout: 150_000 },
    );
    expect(await text('[data-testid="stat-epoch"]')).toBe('3');
    const accuracy = Number.parseFloat(await text('[data-testid="stat-test-accuracy"]'));
    expect(accuracy).toBeGreaterThan(80);
    // Five charts: live mini-batch cost, then per epoch cost, accuracy, learning speed, eta.
    expect(await page.locator('[aria-label="Train"] figure.chart').count()).toBe(5);
    expect(await page.locator('[aria-label="Train"] .u-legend').count()).toBe(5);
    await screenshot(page, 'train');
    expect(session.errors).toEqual([]);
  });

  it('writes every setting change to the URL hash', async () => {
    await page.fill('[data-testid="setting-eta"]', '0.25');
    await page.press('[data-testid="setting-eta"]', 'Enter');
    await page.waitForFunction(() => location.hash.includes('eta=0.25'));
    await page.selectOption('[data-testid="setting-cost"]', 'quadratic');
    await page.waitForFunction(() => location.hash.includes('cost=quadratic'));
    expect(await page.evaluate(() => location.hash)).toContain('sizes=784-30-10');
    // A value out of range is refused, marked invalid, and leaves the hash alone.
    await page.fill('[data-testid="setting-eta"]', '-1');
    await page.press('[data-testid="setting-eta"]', 'Enter');
    expect(
      await page.$eval(
        '[data-testid="setting-eta"]',
        (el) => (el as HTMLInputElement).validationMessage,
      ),
    ).toBe('eta must be between 0.000001 and 1000');
    expect(await page.evaluate(() => location.hash)).toContain('eta=0.25');
    await page.fill('[data-testid="setting-batch"]', '2.5');
    await page.press('[data-testid="setting-batch"]', 'Enter');
    expect(await page.evaluate(() => location.hash)).toContain('batch=10');
    // A changed structural setting (the cost) starts a fresh run.
    await page.waitForFunction(
      () => document.querySelector('[aria-label="Train"]')?.getAttribute('data-status') === 'idle',
    );
    expect(await text('[data-testid="stat-epoch"]')).toBe('0');
  });
});

describe('pause and resume', () => {
  it('Pause stops mid-run with the page and the charts still live; Start goes on to the end', async () => {
    await page.goto('about:blank');
    await page.goto(`${server.url}#train?${RUN}`);
    await page.waitForSelector('html[data-usable="true"]');
    await page.click('[data-testid="start"]');
    await page.waitForFunction(() => {
      const p = document.querySelector('[aria-label="Train"] progress') as HTMLProgressElement;
      return p.value > 0;
    });
    await page.click('[data-testid="pause"]');
    await page.waitForFunction(
      () =>
        document.querySelector('[aria-label="Train"]')?.getAttribute('data-status') === 'paused',
    );
    expect(await text('[data-testid="status"]')).toMatch(
      /^paused in epoch [123], after mini-batch \d+ of 800$/,
    );
    const pausedAt = await text('[data-testid="status"]');
    // Nothing moves while paused.
    await page.waitForTimeout(300);
    expect(await text('[data-testid="status"]')).toBe(pausedAt);
    await page.click('[data-testid="start"]');
    await page.waitForFunction(
      () => document.querySelector('[aria-label="Train"]')?.getAttribute('data-status') === 'done',
      undefined,
      { timeout: 150_000 },
    );
    expect(await text('[data-testid="stat-epoch"]')).toBe('3');
    expect(session.errors).toEqual([]);
  });
});

describe('reproducible runs', () => {
  const hash =
    'sizes=784-20-10&act=sigmoid&cost=cross-entropy&eta=0.5&lambda=0.1&batch=10&epochs=1&init=scaled&seed=5&train=2000';

  /** Opens the link, trains to the end, and returns the saved model file. */
  async function trainFromLink(): Promise<ReturnType<typeof parseModel>> {
    await page.goto('about:blank');
    await page.goto(`${server.url}#train?${hash}`);
    await page.waitForSelector('html[data-usable="true"]');
    await page.click('[data-testid="start"]');
    await page.waitForFunction(
      () => document.querySelector('[aria-label="Train"]')?.getAttribute('data-status') === 'done',
      undefined,
      { timeout: 120_000 },
    );
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid="save-model"]'),
    ]);
    return parseModel(readFileSync((await download.path())!, 'utf8'));
  }

  it('a link reproduces a run bit for bit, and matches trainInPlace in Node', async () => {
    const first = await trainFromLink();
    const accuracyText = await text('[data-testid="stat-test-accuracy"]');
    const second = await trainFromLink();
    // The same link (settings and seed), the same weights, bit for bit: the
    // worker's time slicing (abort, then resume from the trainer's state) changes nothing.
    first.network.layers.forEach((layer, l) => {
      expect(Array.from(second.network.layers[l]!.weights.data)).toEqual(
        Array.from(layer.weights.data),
      );
      expect(Array.from(second.network.layers[l]!.biases.data)).toEqual(
        Array.from(layer.biases.data),
      );
    });
    expect(await text('[data-testid="stat-test-accuracy"]')).toBe(accuracyText);

    // Node's V8 rounds Math.exp differently from Chromium's in the last bit
    // now and then, so Node agrees to rounding, not bit for bit.
    const { train, test } = loadBundledSync();
    // One generator draws the weights and then the shuffles, as in `mlisp train`.
    const rng = new Rng(5);
    const network = createNetwork([784, 20, 10], {
      activation: 'sigmoid',
      outputActivation: 'sigmoid',
      init: 'scaled',
      rng,
    });
    const labels = train.labels.subarray(0, 2000);
    const result = trainInPlace(
      network,
      { inputs: rowView(train.images, 0, 2000), targets: oneHotBatch(labels, 10), labels },
      {
        cost: 'cross-entropy',
        eta: 0.5,
        lambda: 0.1,
        epochs: 1,
        batchSize: 10,
        rng,
        evaluationData: {
          inputs: test.images,
          targets: oneHotBatch(test.labels, 10),
          labels: test.labels,
        },
      },
    );
    let worst = 0;
    first.network.layers.forEach((layer, l) => {
      const node = network.layers[l]!;
      layer.weights.data.forEach((w, k) => {
        worst = Math.max(worst, Math.abs(w - node.weights.data[k]!));
      });
      layer.biases.data.forEach((b, j) => {
        worst = Math.max(worst, Math.abs(b - node.biases.data[j]!));
      });
    });
    expect(worst).toBeLessThan(1e-10);
    const accuracy = result.history[0]!.evaluationAccuracy!;
    expect(accuracyText).toBe(`${(accuracy * 100).toFixed(1)}%`);
    expect(session.errors).toEqual([]);
  });
});

describe('network and digits views', () => {
  it('draws first-layer weights as 28x28 images, heatmaps and a node-link diagram', async () => {
    await page.goto(`${server.url}#train?${RUN.replace('epochs=3', 'epochs=1')}`);
    await page.waitForSelector('html[data-usable="true"]');
    await page.click('[data-testid="start"]');
    await page.waitForFunction(
      () => document.querySelector('[aria-label="Train"]')?.getAttribute('data-status') === 'done',
      undefined,
      { timeout: 120_000 },
    );
    await openView(page, 'network');
    await page.waitForSelector('[data-testid="first-layer-weights"] canvas');
    expect(await page.locator('[data-testid="first-layer-weights"] canvas').count()).toBe(30);
    expect(await page.locator('[data-testid="heatmap-2"]').count()).toBe(1);
    expect(await page.locator('[data-testid="node-link"]').count()).toBe(1);
    // The weight images are sign-coloured: both blue and orange pixels appear.
    const colours = await page.evaluate(() => {
      const c = document.querySelector(
        '[data-testid="first-layer-weights"] canvas',
      ) as HTMLCanvasElement;
      const d = c.getContext('2d')!.getImageData(0, 0, 28, 28).data;
      let blue = 0;
      let orange = 0;
      for (let i = 0; i < d.length; i += 4) {
        if (d[i + 2]! > d[i]! + 20) blue++;
        if (d[i]! > d[i + 2]! + 20) orange++;
      }
      return { blue, orange };
    });
    expect(colours.blue).toBeGreaterThan(0);
    expect(colours.orange).toBeGreaterThan(0);
    await screenshot(page, 'network');
    expect(session.errors).toEqual([]);
  });

  it('shows test digits misclassified first, with 4-bit codes, and a confusion matrix', async () => {
    await openView(page, 'digits');
    await page.waitForSelector('[data-testid="gallery"] .digit-card');
    const cards = await page.$$eval('[data-testid="gallery"] .digit-card', (els) =>
      els.map((e) => ({
        wrong: e.getAttribute('data-wrong') === 'true',
        code: e.querySelector('code')!.textContent,
      })),
    );
    // 40 cards, then "Show more" adds 40 at a time.
    expect(cards.length).toBe(40);
    const summary = await text('[data-testid="digits-summary"]');
    const wrong = Number(/(\d+) misclassified/.exec(summary)?.[1]);
    expect(wrong).toBeGreaterThan(0);
    // Misclassified first: exactly the first min(40, wrong) cards are the wrong ones.
    const shownWrong = Math.min(40, wrong);
    expect(cards.slice(0, shownWrong).every((c) => c.wrong)).toBe(true);
    expect(cards.slice(shownWrong).every((c) => !c.wrong)).toBe(true);
    expect(cards.every((c) => /^[01]{4}$/.test(c.code ?? ''))).toBe(true);
    const total = await page.$$eval('[data-testid="confusion"] td', (tds) =>
      tds.reduce((s, td) => s + Number(td.textContent || 0), 0),
    );
    expect(total).toBe(2004);
    expect(summary).toMatch(/of 2004 test digits right/);
    await screenshot(page, 'digits');
    expect(session.errors).toEqual([]);
  });
});
