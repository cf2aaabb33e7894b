#!/usr/bin/env node
// `pnpm mutants`: plants each bug of mutant-list.mjs, one at a time, in a
// scratch copy of the repository, rebuilds the package it is in, runs
// `mlisp experiment all --json` there and prints the table mutation → failing
// checks. The real tree is never modified: the copy lives in a temporary
// folder (its node_modules is a link to the real one) and is removed at the
// end (pass --keep to keep it).
//
// A mutant is caught when the run exits 1 with at least one failing check and
// every experiment still reports (no throw, no internal error). The script
// exits 1 when a search string does not match exactly once, when the unmutated
// copy does not pass, or when any mutant is not caught.
//
// Usage: node scripts/mutants.mjs [--only id,id] [--quick] [--keep]
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MUTANTS } from './mutant-list.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const args = process.argv.slice(2);
const keep = args.includes('--keep');
const quick = args.includes('--quick');
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? new Set((args[onlyAt + 1] ?? '').split(',')) : null;
const mutants = only === null ? MUTANTS : MUTANTS.filter((m) => only.has(m.id));
if (only !== null && mutants.length !== only.size) {
  const known = new Set(MUTANTS.map((m) => m.id));
  console.error(
    `mutants: unknown mutant id(s): ${[...only].filter((id) => !known.has(id)).join(', ')}`,
  );
  process.exit(1);
}

/** Packages in build order (each after what it imports), and the CLI. */
const BUILD_ORDER = [
  'packages/tensor',
  'packages/neurons',
  'packages/costs',
  'packages/trainer',
  'packages/encoders',
  'packages/mnist',
  'packages/experiments',
  'apps/cli',
];
/** What of a package a build rewrites, to put back after each mutant. */
const BUILT = ['dist', 'src/fast/generated'];
/** Top-level folders the copy leaves out (the copy links node_modules). */
const SKIP = new Set(['node_modules', '.git', 'docs', '.turbo']);

class MutantsError extends Error {}

function fail(message) {
  throw new MutantsError(message);
}

function run(cmd, cmdArgs, cwd, timeout = 600_000) {
  const r = spawnSync(cmd, cmdArgs, {
    cwd,
    encoding: 'utf8',
    timeout,
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', TURBO_TELEMETRY_DISABLED: '1' },
  });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error };
}

function copyRepository() {
  const scratch = mkdtempSync(join(tmpdir(), 'mlisp-mutants-'));
  cpSync(root, scratch, {
    recursive: true,
    verbatimSymlinks: true,
    filter: (src) => {
      const rel = relative(root, src);
      const top = rel.split('/')[0] ?? '';
      if (rel === '') return true;
      if (SKIP.has(top)) return false;
      return !(rel.startsWith('apps/') && !rel.startsWith('apps/cli'));
    },
  });
  symlinkSync(join(root, 'node_modules'), join(scratch, 'node_modules'));
  return scratch;
}

function build(scratch, pkg) {
  const r = run('pnpm', ['run', '--silent', 'build'], join(scratch, pkg));
  if (r.code !== 0) return `build of ${pkg} failed:\n${r.stdout}\n${r.stderr}`.slice(0, 4000);
  return null;
}

/** Runs `mlisp experiment all --json` in the copy: exit code, results, failing checks. */
function experimentAll(scratch) {
  const cli = join(scratch, 'apps/cli/dist/cli.js');
  const r = run(
    'node',
    [cli, 'experiment', 'all', '--json', ...(quick ? ['--quick'] : [])],
    scratch,
  );
  const results = [];
  for (const line of r.stdout.split('\n')) {
    if (line.trim() === '') continue;
    try {
      results.push(JSON.parse(line));
    } catch {
      // not a result line
    }
  }
  const failing = results.flatMap((res) =>
    res.checks.filter((c) => !c.pass).map((c) => ({ problem: res.problem, name: c.name })),
  );
  const stopped = results.filter((res) =>
    res.checks.some((c) => c.name === 'the experiment runs to the end'),
  );
  return { code: r.code, results, failing, stopped, stderr: r.stderr.trim() };
}

/** Checks every search string before anything runs: exactly one match each. */
function verifySearches(scratch) {
  const problems = [];
  for (const m of mutants) {
    const text = readFileSync(join(scratch, m.file), 'utf8');
    const count = text.split(m.search).length - 1;
    if (count !== 1) problems.push(`${m.id}: the search text occurs ${count} times in ${m.file}`);
  }
  if (problems.length > 0)
    fail(`mutant list out of date (update scripts/mutant-list.mjs):\n  ${problems.join('\n  ')}`);
}

function backup(scratch, pkg, file) {
  const saved = join(scratch, '.mutant-backup');
  rmSync(saved, { recursive: true, force: true });
  for (const part of BUILT) {
    try {
      cpSync(join(scratch, pkg, part), join(saved, part), { recursive: true });
    } catch {
      // this package has no such folder
    }
  }
  return { saved, source: readFileSync(join(scratch, file), 'utf8') };
}

function restore(scratch, pkg, file, b) {
  writeFileSync(join(scratch, file), b.source);
  for (const part of BUILT) {
    try {
      cpSync(join(b.saved, part), join(scratch, pkg, part), { recursive: true, force: true });
    } catch {
      // nothing saved for this folder
    }
  }
  rmSync(b.saved, { recursive: true, force: true });
}

function shorten(text, width) {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

const scratch = copyRepository();
console.log(`mutants: scratch copy at ${scratch}`);
try {
  verifySearches(scratch);
  for (const pkg of BUILD_ORDER) {
    const why = build(scratch, pkg);
    if (why !== null) fail(why);
  }
  const baseline = experimentAll(scratch);
  if (baseline.code !== 0 || baseline.failing.length > 0 || baseline.results.length === 0) {
    fail(
      `the unmutated copy does not pass (exit ${baseline.code}, ${baseline.failing.length} failing checks): ${baseline.failing.map((f) => `P${f.problem}: ${f.name}`).join('; ')}\n${baseline.stderr}`,
    );
  }
  console.log(
    `mutants: unmutated copy passes (${baseline.results.length} experiments); ${mutants.length} mutants\n`,
  );
  const rows = [];
  for (const m of mutants) {
    const b = backup(scratch, m.package, m.file);
    const text = b.source;
    writeFileSync(join(scratch, m.file), text.replace(m.search, m.replace));
    const started = Date.now();
    const why = build(scratch, m.package);
    const outcome = why === null ? experimentAll(scratch) : null;
    restore(scratch, m.package, m.file, b);
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    if (outcome === null) {
      rows.push({ m, caught: false, summary: `BUILD FAILED: ${why}` });
      continue;
    }
    const threw =
      outcome.results.length !== baseline.results.length ||
      outcome.stopped.length > 0 ||
      /internal error/i.test(outcome.stderr);
    const caught = outcome.code === 1 && outcome.failing.length > 0 && !threw;
    const byProblem = new Map();
    for (const f of outcome.failing)
      byProblem.set(f.problem, [...(byProblem.get(f.problem) ?? []), f.name]);
    const summary = [...byProblem]
      .map(
        ([p, names]) => `P${p} (${names.length}): ${names.map((n) => shorten(n, 70)).join(' | ')}`,
      )
      .join('\n      ');
    rows.push({
      m,
      caught,
      byProblem,
      code: outcome.code,
      count: outcome.failing.length,
      summary: `${summary || 'no failing check'}${threw ? `\n      THREW: ${outcome.results.length} results, stopped: ${outcome.stopped.map((s) => s.id).join(', ')} ${shorten(outcome.stderr, 300)}` : ''}`,
      seconds,
    });
    console.log(
      `${caught ? 'caught  ' : 'MISSED  '} ${m.id} (exit ${outcome.code}, ${outcome.failing.length} failing checks, ${seconds} s)`,
    );
  }
  console.log('\n| mutation | class | exit | failing checks | caught |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const r of rows) {
    const perProblem = [...(r.byProblem ?? new Map())].map(([p, n]) => `P${p} ×${n.length}`);
    console.log(
      `| ${r.m.id} | ${r.m.class} | ${r.code ?? '—'} | ${r.count ?? 0} (${perProblem.join(', ') || 'none'}) | ${r.caught ? 'yes' : 'NO'} |`,
    );
  }
  console.log('\nFailing checks in full:');
  for (const r of rows) console.log(`  ${r.m.id}:\n      ${r.summary}`);
  const missed = rows.filter((r) => !r.caught);
  if (missed.length > 0)
    fail(`${missed.length} mutant(s) not caught: ${missed.map((r) => r.m.id).join(', ')}`);
  console.log(`\nmutants: all ${rows.length} caught`);
} catch (e) {
  if (!(e instanceof MutantsError)) throw e;
  console.error(`mutants: ${e.message}`);
  process.exitCode = 1;
} finally {
  if (!keep) rmSync(scratch, { recursive: true, force: true });
}
