// Finds the runnable examples of every package README (and of the docs'
// package guides) and runs them against the BUILT packages, so examples cannot
// rot. The convention (CONTRIBUTING.md, "README examples"):
//
//   ## Example                      <- any heading whose text contains "Example"
//   ```js                           <- the first ```js, ```mjs or ```sh block after it
//   ...code...
//   ```
//   Expected output:
//   ```text                         <- the next ```text (or untagged ```) block after the code
//   ...exactly what the code prints on stdout...
//   ```
//
// A ```js/```mjs block runs as an ES module with node, from the package's own
// folder, so `import '@mlisp/<name>'` resolves to the built dist/ (a package may
// import itself by name) and to its dependencies. The docs' package guides run
// from docs/, which depends on every package. A ```sh block runs with bash
// from the package folder, `mlisp` running the built CLI. Stdout is
// compared after trimming trailing spaces of each line and trailing blank lines.
// Run directly (`node scripts/readme-examples.mjs`) it prints a report.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const RUNNABLE = new Set(['js', 'mjs', 'javascript', 'sh', 'bash', 'shell']);

/**
 * The Markdown files whose examples are tested: the README of every package
 * under packages/ and of apps/cli that exists, and every docs/packages/*.md guide.
 * Each comes with the folder its examples run in.
 */
export function exampleFiles(root = ROOT) {
  const files = [];
  const packagesDir = join(root, 'packages');
  for (const name of readdirSync(packagesDir).sort()) {
    const dir = join(packagesDir, name);
    const readme = join(dir, 'README.md');
    if (existsSync(readme)) files.push({ file: readme, cwd: dir, packageDir: dir });
  }
  const cliDir = join(root, 'apps', 'cli');
  const cli = join(cliDir, 'README.md');
  if (existsSync(cli)) files.push({ file: cli, cwd: cliDir, packageDir: cliDir });
  // The guides run from docs/, which depends on every package.
  const docs = join(root, 'docs');
  const guides = join(docs, 'packages');
  if (existsSync(guides)) {
    for (const name of readdirSync(guides).sort()) {
      if (!name.endsWith('.md')) continue;
      const dir = join(packagesDir, name.slice(0, -3));
      if (existsSync(dir)) files.push({ file: join(guides, name), cwd: docs, packageDir: dir });
    }
  }
  // Other docs pages: their examples (if any) are tested too, from docs/.
  const guide = join(docs, 'guide');
  if (existsSync(guide)) {
    for (const name of readdirSync(guide).sort()) {
      if (!name.endsWith('.md')) continue;
      files.push({
        file: join(guide, name),
        cwd: docs,
        packageDir: join(packagesDir, 'tensor'),
        optional: true,
      });
    }
  }
  return files.map((f) => ({ ...f, name: relative(root, f.file) }));
}

/** The fenced blocks of a Markdown text, and its headings, in order. */
function tokens(markdown) {
  const out = [];
  const lines = markdown.split(/\r?\n/);
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i];
    const fence = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/.exec(line);
    if (fence) {
      const [, , marks, lang] = fence;
      const body = [];
      let j = i + 1;
      while (j < lines.length && !lines[j].trim().startsWith(marks)) {
        body.push(lines[j]);
        j += 1;
      }
      out.push({
        kind: 'code',
        lang: lang.toLowerCase(),
        text: `${body.join('\n')}\n`,
        line: i + 1,
      });
      i = j;
      continue;
    }
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (heading) out.push({ kind: 'heading', text: heading[1].trim(), line: i + 1 });
  }
  return out;
}

/**
 * The examples of one Markdown text: for each heading containing "Example", the
 * first runnable block after it and the first ```text (or untagged) block after that block
 * (both before the next "Example" heading). An example heading with a code
 * block but no expected output is returned with `expected: undefined`.
 */
export function extractExamples(markdown) {
  const examples = [];
  const list = tokens(markdown);
  for (let i = 0; i < list.length; i += 1) {
    const t = list[i];
    if (t.kind !== 'heading' || !/example/i.test(t.text)) continue;
    let code;
    let expected;
    for (let j = i + 1; j < list.length; j += 1) {
      const u = list[j];
      if (u.kind === 'heading' && /example/i.test(u.text)) break;
      if (u.kind !== 'code') continue;
      if (code === undefined) {
        if (RUNNABLE.has(u.lang)) code = u;
      } else if (u.lang === 'text' || u.lang === '') {
        expected = u.text;
        break;
      }
    }
    if (code !== undefined) {
      examples.push({
        heading: t.text,
        line: code.line,
        lang: code.lang,
        code: code.text,
        expected,
      });
    }
  }
  return examples;
}

/** Trailing spaces of each line and trailing blank lines do not count. */
export function normalize(text) {
  return text
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .replace(/\n+$/, '');
}

/** A bash prelude defining `mlisp` as the built CLI, for ```sh examples. */
function mlispFunction(root) {
  const cli = join(root, 'apps', 'cli', 'dist', 'cli.js');
  return `mlisp() { node ${JSON.stringify(cli)} "$@"; }\nexport -f mlisp\n`;
}

/** Runs one example from `cwd`; returns its exit status, stdout and stderr. */
export function runExample(example, cwd, root = ROOT, timeout = 240_000) {
  const env = { ...process.env, NO_COLOR: '1' };
  delete env.FORCE_COLOR;
  const shell = example.lang === 'sh' || example.lang === 'bash' || example.lang === 'shell';
  const result = shell
    ? spawnSync(
        'bash',
        ['-eo', 'pipefail', '-c', mlispFunction(root) + example.code.replace(/^\$ /gm, '')],
        { cwd, encoding: 'utf8', timeout, env },
      )
    : spawnSync(process.execPath, ['--input-type=module', '-'], {
        cwd,
        input: example.code,
        encoding: 'utf8',
        timeout,
        env,
      });
  return {
    status: result.status,
    signal: result.signal,
    stdout: result.stdout ?? '',
    stderr: result.stderr ?? '',
    error: result.error,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  let failed = 0;
  let passed = 0;
  for (const { file, cwd, name, optional } of exampleFiles()) {
    const examples = extractExamples(readFileSync(file, 'utf8'));
    if (examples.length === 0) {
      if (optional) continue;
      console.log(`FAIL ${name}: no "Example" heading followed by a js/mjs/sh block`);
      failed += 1;
      continue;
    }
    for (const ex of examples) {
      const label = `${name}:${ex.line} (${ex.heading})`;
      const run = runExample(ex, cwd);
      const ok =
        ex.expected !== undefined &&
        run.status === 0 &&
        normalize(run.stdout) === normalize(ex.expected);
      if (ok) passed += 1;
      else failed += 1;
      console.log(`${ok ? 'ok  ' : 'FAIL'} ${label}`);
      if (!ok) {
        if (ex.expected === undefined) console.log('  no ```text expected-output block follows');
        console.log(
          `  exit ${run.status ?? run.signal}\n  stdout:\n${run.stdout}\n  stderr:\n${run.stderr}`,
        );
      }
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}
