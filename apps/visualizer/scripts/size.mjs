#!/usr/bin/env node
// Prints the production bundle's size, raw and gzip (level 9), without the
// bundled digits asset: run after `pnpm build`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const dist = fileURLToPath(new URL('../dist', import.meta.url));
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else files.push(path);
  }
};
walk(dist);
let raw = 0;
let gzip = 0;
let firstRaw = 0;
let firstGzip = 0;
for (const file of files.sort()) {
  const bytes = readFileSync(file);
  const z = gzipSync(bytes, { level: 9 }).length;
  const asset = file.endsWith('.bin') || file.endsWith('.map');
  const name = file.slice(dist.length + 1);
  console.log(`${name}  ${bytes.length} B, gzip ${z} B${asset ? '  (not counted)' : ''}`);
  if (!asset) {
    raw += bytes.length;
    gzip += z;
    // The Experiments view and its worker load when their tab is first opened.
    if (!name.includes('experiments')) {
      firstRaw += bytes.length;
      firstGzip += z;
    }
  }
}
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.log(`first load (no Experiments view): ${kib(firstRaw)}, gzip ${kib(firstGzip)}`);
console.log(`whole app without the digits asset: ${kib(raw)}, gzip ${kib(gzip)}`);
