// Generates the API reference (docs/api/, gitignored) with TypeDoc from the
// TSDoc comments of every package that has a `src/index.ts` entry point, so a
// package that is still being written never breaks the docs build.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const docs = join(dirname(fileURLToPath(import.meta.url)), '..');
const packagesDir = join(docs, '..', 'packages');
const packages = readdirSync(packagesDir)
  .filter((name) => existsSync(join(packagesDir, name, 'src', 'index.ts')))
  .sort();
if (packages.length === 0) {
  console.error('api: no package has a src/index.ts entry point');
  process.exit(1);
}
rmSync(join(docs, 'api'), { recursive: true, force: true });
const args = ['typedoc', ...packages.flatMap((name) => ['--entryPoints', `../packages/${name}`])];
const result = spawnSync('pnpm', ['exec', ...args], { cwd: docs, stdio: 'inherit' });
process.exit(result.status ?? 1);
