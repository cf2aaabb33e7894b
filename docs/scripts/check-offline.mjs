// After `vitepress build`: the site must work offline, so no page may load a
// script, style sheet, font or image from another host (links to other sites
// are fine: they are only followed when clicked).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', '.vitepress', 'dist');
const remote = [
  /<script[^>]+src=["']?(?:https?:)?\/\//gi,
  /<link[^>]+rel=["']?(?:stylesheet|preload|modulepreload|icon|preconnect)["']?[^>]+href=["']?(?:https?:)?\/\//gi,
  /<link[^>]+href=["']?(?:https?:)?\/\/[^>]+rel=["']?(?:stylesheet|preload|modulepreload|icon|preconnect)/gi,
  /<img[^>]+src=["']?(?:https?:)?\/\//gi,
  /@import\s+url\(\s*["']?(?:https?:)?\/\//gi,
  /url\(\s*["']?https?:\/\//gi,
];

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (/\.(html|css)$/.test(entry.name)) yield path;
  }
}

let pages = 0;
const problems = [];
for (const file of files(dist)) {
  if (file.endsWith('.html')) pages += 1;
  const text = readFileSync(file, 'utf8');
  for (const re of remote) {
    for (const match of text.matchAll(re)) {
      problems.push(`${relative(dist, file)}: ${match[0].slice(0, 120)}`);
    }
  }
}
if (problems.length > 0) {
  console.error(`check-offline: ${problems.length} remote resource(s) found:`);
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log(`check-offline: ${pages} pages, no remote scripts, styles, fonts or images`);
