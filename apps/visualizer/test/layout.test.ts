/**
 * Browser tests of every view on a phone (390x844, touch) and of
 * accessibility (axe-core) at both sizes: no sideways scroll, a compact
 * header, the confusion matrix beside (not over) the gallery, the Draw answer
 * next to the pad, and no critical or serious axe violation. Screenshots of
 * every view at 1400x900 and 390x844 go to screenshots/.
 */
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, openView, type Session, screenshot, serveDist } from './harness.js';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const VIEWS = ['train', 'network', 'digits', 'draw', 'experiments'] as const;
const RUN =
  'sizes=784-30-10&act=sigmoid&cost=cross-entropy&eta=0.5&lambda=5&batch=10&epochs=1&init=scaled&seed=1&train=2000&dtype=float64';

let server: Awaited<ReturnType<typeof serveDist>>;
let session: Session;
let page: Page;

/** Opens the app at a size, trains one short epoch and draws a stroke on the pad. */
async function prepare(width: number, height: number): Promise<void> {
  await page.setViewportSize({ width, height });
  await page.goto('about:blank');
  await page.goto(`${server.url}#train?${RUN}`);
  await page.waitForSelector('html[data-usable="true"]');
  await page.click('[data-testid="start"]');
  await page.waitForFunction(
    () => document.querySelector('[aria-label="Train"]')?.getAttribute('data-status') === 'done',
    undefined,
    { timeout: 120_000 },
  );
}

/** Opens a view and waits until it shows its data. */
async function show(view: (typeof VIEWS)[number]): Promise<void> {
  await openView(page, view);
  if (view === 'digits') await page.waitForSelector('[data-testid="gallery"] .digit-card');
  if (view === 'network') await page.waitForSelector('[data-testid="first-layer-weights"] canvas');
  if (view === 'experiments') {
    await page.waitForSelector('[data-testid="experiment-detail"] [data-testid="verdict"]', {
      timeout: 120_000,
    });
  }
  if (view === 'draw') {
    const box = (await page.locator('[data-testid="pad"]').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.35, box.y + box.height * 0.2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.65, box.y + box.height * 0.2, { steps: 5 });
    await page.mouse.move(box.x + box.width * 0.4, box.y + box.height * 0.85, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction(() =>
      /^\d$/.test(document.querySelector('[data-testid="draw-digit"]')?.textContent ?? ''),
    );
  }
  await page.waitForTimeout(300);
}

/** axe-core's critical and serious violations on the page as it is. */
async function violations(): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<unknown> } }).axe;
    return (await axe.run()) as {
      violations: { id: string; impact: string; nodes: { target: string[] }[] }[];
    };
  });
  return result.violations
    .filter((v) => v.impact === 'critical' || v.impact === 'serious')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

beforeAll(async () => {
  server = await serveDist();
  session = await launch();
  page = session.page;
});

afterAll(async () => {
  await session?.close();
  await server?.close();
});

describe('desktop, 1400x900', () => {
  it('every view passes axe-core with no critical or serious violation', async () => {
    await prepare(1400, 900);
    const found: Record<string, string[]> = {};
    for (const view of VIEWS) {
      await show(view);
      found[view] = await violations();
      await screenshot(page, `view-${view}-1400`);
    }
    expect(found).toEqual({ train: [], network: [], digits: [], draw: [], experiments: [] });
    // The tabs are a tablist whose selected tab names its panel.
    expect(await page.getAttribute('#tabs', 'role')).toBe('tablist');
    expect(await page.getAttribute('[data-view="experiments"]', 'aria-selected')).toBe('true');
    expect(await page.getAttribute('#view-experiments', 'role')).toBe('tabpanel');
    expect(session.errors).toEqual([]);
  });
});

describe('phone, 390x844', () => {
  it('no view scrolls sideways; the header is compact; axe finds nothing serious', async () => {
    await prepare(390, 844);
    const header = (await page.locator('header.top').boundingBox())!;
    expect(header.height).toBeLessThan(100);
    const wide: Record<string, number> = {};
    const found: Record<string, string[]> = {};
    for (const view of VIEWS) {
      await show(view);
      wide[view] = await page.evaluate(() => document.documentElement.scrollWidth);
      found[view] = await violations();
      await screenshot(page, `view-${view}-390`);
    }
    expect(wide).toEqual({ train: 390, network: 390, digits: 390, draw: 390, experiments: 390 });
    expect(found).toEqual({ train: [], network: [], digits: [], draw: [], experiments: [] });
    expect(session.errors).toEqual([]);
  });

  it('Digits: the confusion matrix sits above the gallery, not over it', async () => {
    await show('digits');
    const matrix = (await page.locator('[data-testid="confusion"]').boundingBox())!;
    const gallery = (await page.locator('[data-testid="gallery"]').boundingBox())!;
    expect(matrix.x + matrix.width).toBeLessThanOrEqual(390);
    expect(matrix.y + matrix.height).toBeLessThanOrEqual(gallery.y);
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    expect(height).toBeLessThan(5000);
  });

  it('Draw: the answer is right under the pad', async () => {
    await show('draw');
    const pad = (await page.locator('[data-testid="pad"]').boundingBox())!;
    const answer = (await page.locator('[data-testid="draw-answer"]').boundingBox())!;
    expect(pad.x + pad.width).toBeLessThanOrEqual(390);
    expect(answer.y - (pad.y + pad.height)).toBeLessThan(80);
    expect(session.errors).toEqual([]);
  });
});
