#!/usr/bin/env node
// The production bundle's size, raw and gzip (level 9), without the bundled
// digits asset, checked against a budget; with --timing, also the time to
// first paint and to the first usable page (digits loaded and parsed, Start
// enabled: the `mlisp:usable` mark) in Debian's Chromium on localhost, the
// median of 3 loads. Run after `pnpm build`:
//
//   node scripts/size.mjs [--timing] [--json]
//
// It exits with 1 when a budget is exceeded. test/size.test.ts runs the same
// check in `pnpm test:all`; the README's figures come from this script.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const DIST = fileURLToPath(new URL('../dist', import.meta.url));

/** Budgets in bytes (gzip): first load, and the whole app without the digits. */
export const BUDGET = { firstLoadGzip: 170 * 1024, totalGzip: 300 * 1024 };

/**
 * Sizes of dist/: every file raw and gzip, the first load (all but the
 * Experiments view and its worker, which load when that tab first opens)
 * and the whole app, without the digits asset and source maps.
 */
export function measure(dist = DIST) {
  if (!existsSync(join(dist, 'index.html'))) {
    throw new Error(`no production build in ${dist}: run \`pnpm build\` first`);
  }
  const files = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.push(path);
    }
  };
  walk(dist);
  const out = { files: [], firstLoad: { raw: 0, gzip: 0 }, total: { raw: 0, gzip: 0 } };
  for (const file of files.sort()) {
    const bytes = readFileSync(file);
    const name = file.slice(dist.length + 1);
    const counted = !file.endsWith('.bin') && !file.endsWith('.map');
    const gzip = gzipSync(bytes, { level: 9 }).length;
    out.files.push({ name, raw: bytes.length, gzip, counted });
    if (!counted) continue;
    out.total.raw += bytes.length;
    out.total.gzip += gzip;
    if (!name.includes('experiments')) {
      out.firstLoad.raw += bytes.length;
      out.firstLoad.gzip += gzip;
    }
  }
  return out;
}

/** Problems with the budget (empty when within it). */
export function overBudget(sizes) {
  const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
  const problems = [];
  if (sizes.firstLoad.gzip > BUDGET.firstLoadGzip) {
    problems.push(
      `first load is ${kib(sizes.firstLoad.gzip)} gzip, over its budget of ${kib(BUDGET.firstLoadGzip)}`,
    );
  }
  if (sizes.total.gzip > BUDGET.totalGzip) {
    problems.push(
      `the whole app is ${kib(sizes.total.gzip)} gzip, over its budget of ${kib(BUDGET.totalGzip)}`,
    );
  }
  return problems;
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.bin': 'application/octet-stream',
};

/** First contentful paint and first usable page, ms, median of `runs` loads in Chromium. */
export async function timing(runs = 3, dist = DIST) {
  const { chromium } = await import('playwright-core');
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(dist, path === '/' ? 'index.html' : path));
    if (!file.startsWith(dist + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${server.address().port}/`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu'],
  });
  const samples = [];
  try {
    for (let i = 0; i < runs; i++) {
      const page = await browser.newPage();
      await page.goto(url);
      await page.waitForSelector('html[data-usable="true"]', { timeout: 60_000 });
      samples.push(
        await page.evaluate(() => ({
          firstPaint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
          usable: performance.getEntriesByName('mlisp:usable')[0].startTime,
        })),
      );
      await page.close();
    }
  } finally {
    await browser.close();
    server.close();
  }
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return {
    firstPaintMs: Math.round(median(samples.map((s) => s.firstPaint))),
    usableMs: Math.round(median(samples.map((s) => s.usable))),
    runs,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const sizes = measure();
  const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
  const result = { ...sizes, budget: BUDGET };
  if (process.argv.includes('--timing')) result.timing = await timing();
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    for (const f of sizes.files) {
      console.log(`${f.name}  ${f.raw} B, gzip ${f.gzip} B${f.counted ? '' : '  (not counted)'}`);
    }
    console.log(
      `first load (no Experiments view): ${kib(sizes.firstLoad.raw)}, gzip ${kib(sizes.firstLoad.gzip)} (budget ${kib(BUDGET.firstLoadGzip)})`,
    );
    console.log(
      `whole app without the digits asset: ${kib(sizes.total.raw)}, gzip ${kib(sizes.total.gzip)} (budget ${kib(BUDGET.totalGzip)})`,
    );
    if (result.timing) {
      console.log(
        `localhost, Chromium, median of ${result.timing.runs}: first contentful paint ${result.timing.firstPaintMs} ms, usable ${result.timing.usableMs} ms`,
      );
    }
  }
  const problems = overBudget(sizes);
  for (const p of problems) console.error(`over budget: ${p}`);
  process.exitCode = problems.length > 0 ? 1 : 0;
}
