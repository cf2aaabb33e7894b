#!/usr/bin/env node
// Measures how long loading the bundled digits takes and how much memory the
// result holds. Run after `pnpm build`: `node scripts/measure-load.mjs`
// (for the heap numbers to be meaningful, run with `node --expose-gc`).
import { performance } from 'node:perf_hooks';
import { loadBundled, loadBundledSync } from '../dist/node.js';

const mb = (n) => `${(n / 2 ** 20).toFixed(1)} MB`;
const gc = globalThis.gc ?? (() => {});

function memory() {
  gc();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed, buffers: m.arrayBuffers };
}

const before = memory();
let t = performance.now();
const split = loadBundledSync();
const first = performance.now() - t;
const after = memory();

const times = [];
for (let i = 0; i < 5; i++) {
  t = performance.now();
  loadBundledSync();
  times.push(performance.now() - t);
}
t = performance.now();
await loadBundled();
const asyncTime = performance.now() - t;
times.sort((a, b) => a - b);

const held = split.train.images.data.byteLength + split.test.images.data.byteLength;
console.log(`train ${split.train.size}, test ${split.test.size}`);
console.log(`loadBundledSync: first ${first.toFixed(0)} ms, then median ${times[2].toFixed(0)} ms`);
console.log(`loadBundled (async): ${asyncTime.toFixed(0)} ms`);
console.log(
  `images held: ${mb(held)} (float64); labels ${split.train.size + split.test.size} bytes`,
);
console.log(
  `memory growth after the first load: rss +${mb(after.rss - before.rss)}, array buffers +${mb(after.buffers - before.buffers)}, JS heap +${mb(after.heap - before.heap)}`,
);
