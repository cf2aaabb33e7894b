#!/usr/bin/env node
// The project's whole check, as CI runs it: lint, typecheck, build, package
// checks (publint + attw), the consumer check, the docs build, every vitest
// test. Each step runs even when an earlier one failed, so one run shows
// everything that is wrong. The last line
// is `N passed, N failed` with the real counts of every test that ran (read
// from vitest's JSON report), and the exit code is non-zero on any failure.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const env = {
  ...process.env,
  TURBO_TELEMETRY_DISABLED: '1',
};

function run(name, command, args) {
  console.log(`\n=== ${name}: ${command} ${args.join(' ')}`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const ok = result.status === 0;
  console.log(
    `=== ${name}: ${ok ? 'ok' : `FAILED (exit ${result.status ?? result.signal})`} in ${seconds}s`,
  );
  return ok;
}

const steps = [];
const turbo = ['exec', 'turbo', 'run'];
// The visualizer's browser tests need Debian's Chromium: installed here when missing.
steps.push(['chromium', run('chromium', 'bash', ['scripts/ensure-chromium.sh'])]);
steps.push(['lint', run('lint', 'pnpm', ['exec', 'biome', 'check', '.'])]);
// Every changeset names packages of the workspace (else `changeset version` fails at release).
steps.push(['changesets', run('changesets', 'pnpm', ['exec', 'changeset', 'status'])]);
steps.push(['build', run('build', 'pnpm', [...turbo, 'build'])]);
steps.push(['typecheck', run('typecheck', 'pnpm', [...turbo, 'typecheck'])]);
steps.push(['package checks', run('package checks', 'pnpm', [...turbo, 'check:package'])]);
// The published packages and the CLI as a user installs them (pnpm pack + npm
// install in a temporary project): ESM, CJS, tsc, XOR, `mlisp experiment`.
steps.push(['consumer check', run('consumer check', 'node', ['scripts/consumer-check/run.mjs'])]);
// The docs site: TypeDoc API reference, VitePress build (fails on dead links),
// every problem page's numbers computed by @mlisp/experiments at build time.
steps.push(['docs build', run('docs build', 'pnpm', ['--filter', '@mlisp/docs', 'docs:build'])]);

const reportDir = join(root, '.test-results');
const report = join(reportDir, 'vitest.json');
mkdirSync(reportDir, { recursive: true });
rmSync(report, { force: true });
steps.push([
  'tests',
  run('tests', 'pnpm', [
    'exec',
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
  ]),
]);

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(report)) {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  for (const file of json.testResults ?? []) {
    if (file.status === 'failed' && (file.assertionResults ?? []).length === 0) failed += 1; // a file that failed to load
    for (const t of file.assertionResults ?? []) {
      if (t.status === 'passed') passed += 1;
      else if (t.status === 'failed') failed += 1;
      else skipped += 1;
    }
  }
} else {
  console.log('no vitest report was written: the test run did not complete');
}

const failedSteps = steps.filter(([, ok]) => !ok).map(([name]) => name);
console.log('');
for (const [name, ok] of steps) console.log(`${ok ? 'ok    ' : 'FAILED'} ${name}`);
if (failedSteps.length > 0) console.log(`failed steps: ${failedSteps.join(', ')}`);
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(failedSteps.length > 0 || failed > 0 || passed === 0 ? 1 : 0);
