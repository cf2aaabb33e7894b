/**
 * Browser tests of drawing a digit and of model files, against the production
 * build in Debian's Chromium: a stroke changes the outputs; a model file
 * written by @mlisp/neurons loads (its predictions on the test digits match
 * Node's exactly) and saves back bit-identically.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { argmaxBatch, oneHotBatch } from '@mlisp/encoders';
import { loadBundledSync } from '@mlisp/mnist/node';
import {
  createNetwork,
  feedforward,
  type Network,
  parseModel,
  serializeModel,
} from '@mlisp/neurons';
import { rowView } from '@mlisp/tensor';
import { trainInPlace } from '@mlisp/trainer';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, openView, type Session, screenshot, serveDist } from './harness.js';

let server: Awaited<ReturnType<typeof serveDist>>;
let session: Session;
let page: Page;
let dir: string;

async function text(selector: string): Promise<string> {
  return (await page.textContent(selector))?.trim() ?? '';
}

async function outputs(): Promise<string[]> {
  return page.$$eval('[data-testid="outputs"] [data-output]', (els) =>
    els.map((e) => e.textContent ?? ''),
  );
}

/** Draws a "7": a top bar and a diagonal, as mouse strokes on the pad. */
async function drawSeven(): Promise<void> {
  const box = (await page.locator('[data-testid="pad"]').boundingBox())!;
  const at = (x: number, y: number) => [box.x + x * box.width, box.y + y * box.height] as const;
  await page.mouse.move(...at(0.25, 0.2));
  await page.mouse.down();
  await page.mouse.move(...at(0.75, 0.2), { steps: 12 });
  await page.mouse.move(...at(0.45, 0.85), { steps: 16 });
  await page.mouse.up();
}

beforeAll(async () => {
  server = await serveDist();
  session = await launch();
  page = session.page;
  dir = mkdtempSync(join(tmpdir(), 'mlisp-visualizer-model-'));
});

afterAll(async () => {
  await session?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('draw a digit', () => {
  it('prepares the drawing like MNIST and updates the outputs and the 4-bit code', async () => {
    await page.goto(`${server.url}#draw?sizes=784-30-10&seed=3`);
    await page.waitForSelector('html[data-usable="true"]');
    // A blank pad asks for a digit and shows no outputs.
    await page.waitForFunction(
      () => document.querySelector('[data-testid="draw-answer"]')?.textContent === 'draw a digit',
    );
    expect(await outputs()).toEqual([]);
    await drawSeven();
    await page.waitForSelector('[data-testid="outputs"] [data-output="9"]');
    const after = await outputs();
    expect(after).toHaveLength(10);
    expect(after.every((v) => Number.isFinite(Number(v)))).toBe(true);
    // The prepared 28x28 image: ink fitted in 20x20 and centred by mass near (14, 14).
    const ink = await page.evaluate(() => {
      const c = document.querySelector('[data-testid="prepared"]') as HTMLCanvasElement;
      const d = c.getContext('2d')!.getImageData(0, 0, 28, 28).data;
      let mass = 0;
      let mx = 0;
      let my = 0;
      let x0 = 28;
      let x1 = -1;
      let y0 = 28;
      let y1 = -1;
      for (let y = 0; y < 28; y++) {
        for (let x = 0; x < 28; x++) {
          const v = 1 - d[4 * (y * 28 + x)]! / 255;
          if (v <= 0) continue;
          mass += v;
          mx += v * (x + 0.5);
          my += v * (y + 0.5);
          x0 = Math.min(x0, x);
          x1 = Math.max(x1, x);
          y0 = Math.min(y0, y);
          y1 = Math.max(y1, y);
        }
      }
      return { mass, cx: mx / mass, cy: my / mass, w: x1 - x0 + 1, h: y1 - y0 + 1 };
    });
    expect(ink.mass).toBeGreaterThan(20);
    expect(Math.max(ink.w, ink.h)).toBe(20);
    expect(Math.abs(ink.cx - 14)).toBeLessThanOrEqual(0.6);
    expect(Math.abs(ink.cy - 14)).toBeLessThanOrEqual(0.6);
    expect(await text('[data-testid="draw-bits"]')).toMatch(/^[01]{4}$/);
    expect(await text('[data-testid="draw-digit"]')).toMatch(/^\d$/);
    await screenshot(page, 'draw');
    await page.click('[data-testid="clear-pad"]');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="draw-answer"]')?.textContent === 'draw a digit',
    );
    expect(await text('[data-testid="draw-digit"]')).toBe('');
    expect(session.errors).toEqual([]);
  });
});

describe('draw with touch', () => {
  it('draws with a finger (touch events through the DevTools protocol) like with a mouse', async () => {
    const cdp = await session.context.newCDPSession(page);
    await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 1 });
    await page.click('[data-testid="clear-pad"]');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="draw-answer"]')?.textContent === 'draw a digit',
    );
    const before = await outputs();
    expect(before).toEqual([]);
    const box = (await page.locator('[data-testid="pad"]').boundingBox())!;
    const point = (x: number, y: number) => ({
      x: box.x + x * box.width,
      y: box.y + y * box.height,
    });
    await cdp.send('Input.dispatchTouchEvent', {
      type: 'touchStart',
      touchPoints: [point(0.5, 0.15)],
    });
    for (let i = 1; i <= 20; i++) {
      await cdp.send('Input.dispatchTouchEvent', {
        type: 'touchMove',
        touchPoints: [point(0.5, 0.15 + i * 0.035)],
      });
    }
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    await page.waitForFunction(() =>
      /^\d$/.test(document.querySelector('[data-testid="draw-digit"]')?.textContent ?? ''),
    );
    expect(await outputs()).toHaveLength(10);
    await screenshot(page, 'draw-touch');
    await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: false });
    await cdp.detach();
    expect(session.errors).toEqual([]);
  });
});

describe('model files', () => {
  let network: Network;
  let file: string;

  it('loads a model file written by @mlisp/neurons; its test predictions match Node exactly', async () => {
    // A small network trained for one epoch in Node, saved as the CLI saves it.
    const { train, test } = loadBundledSync();
    network = createNetwork([784, 16, 10], { seed: 11 });
    const n = 2000;
    const labels = train.labels.subarray(0, n);
    trainInPlace(
      network,
      { inputs: rowView(train.images, 0, n), targets: oneHotBatch(labels, 10), labels },
      { cost: 'cross-entropy', eta: 0.5, epochs: 1, batchSize: 10, seed: 1 },
    );
    file = join(dir, 'small.json');
    writeFileSync(file, serializeModel(network, { cost: 'cross-entropy', meta: { from: 'test' } }));
    const predicted = argmaxBatch(feedforward(network, test.images));
    const right = predicted.filter((d, i) => d === test.labels[i]).length;

    await page.goto(`${server.url}#digits`);
    await page.waitForSelector('html[data-usable="true"]');
    await page.setInputFiles('[data-testid="model-file"]', file);
    await page.waitForFunction(() =>
      document
        .querySelector('[data-testid="model-status"]')
        ?.textContent?.startsWith('loaded small.json'),
    );
    await page.waitForFunction(
      (expected) =>
        document.querySelector('[data-testid="digits-summary"]')?.textContent?.startsWith(expected),
      `${right} of 2004 test digits right`,
    );
    expect(await page.evaluate(() => location.hash)).toContain('sizes=784-16-10');
    await openView(page, 'network');
    await page.waitForSelector('[data-testid="first-layer-weights"] canvas');
    expect(await page.locator('[data-testid="first-layer-weights"] canvas').count()).toBe(16);
    expect(await text('[aria-label="Network"] h2')).toContain('784-16-10 (small.json');
    await screenshot(page, 'model-loaded');
    expect(session.errors).toEqual([]);
  });

  it('saves the loaded model back bit-identically', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid="save-model"]'),
    ]);
    const saved = join(dir, 'saved.json');
    await download.saveAs(saved);
    const parsed = parseModel(readFileSync(saved, 'utf8'));
    expect(parsed.cost).toBe('cross-entropy');
    expect(parsed.network.sizes).toEqual([784, 16, 10]);
    parsed.network.layers.forEach((layer, l) => {
      expect(Array.from(layer.weights.data)).toEqual(Array.from(network.layers[l]!.weights.data));
      expect(Array.from(layer.biases.data)).toEqual(Array.from(network.layers[l]!.biases.data));
    });
  });

  it('reports a malformed model file without breaking the page', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ format: 'mlisp-network', version: 1, sizes: [784, 10] }));
    await page.setInputFiles('[data-testid="model-file"]', bad);
    await page.waitForSelector('[data-testid="error"]:not([hidden])');
    expect(await text('[data-testid="error"]')).toContain('bad.json');
    expect(await text('[data-testid="model-status"]')).toBe('load failed');
    // A valid model file that is not a digit network is refused too, saying why.
    const xor = join(dir, 'xor.json');
    writeFileSync(
      xor,
      serializeModel(createNetwork([2, 3, 1], { seed: 1 }), { cost: 'quadratic' }),
    );
    await page.setInputFiles('[data-testid="model-file"]', xor);
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="error"]')?.textContent?.startsWith('xor.json'),
    );
    expect(await text('[data-testid="error"]')).toContain('784 inputs and 10 outputs');
    // The loaded digit network is still the one shown.
    expect(await page.evaluate(() => location.hash)).toContain('sizes=784-16-10');
    expect(session.errors).toEqual([]);
  });
});
