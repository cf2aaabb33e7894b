#!/usr/bin/env node
// Consumer check: installs the packages the way a user gets them and uses them
// from outside the workspace. It packs every public package and the CLI with
// `pnpm pack` (which rewrites workspace:* to real versions), installs the
// tarballs with npm into a fresh project in the system temp folder, and there:
//   1. imports every package (and subpath export) from ESM,
//   2. requires every package from CommonJS,
//   3. typechecks a TypeScript consumer (ESM and CJS) against the shipped .d.ts
//      with tsc 6.0.3, skipLibCheck off,
//   4. trains XOR with @mlisp/trainer and checks the 4 outputs round correctly,
//   5. runs the installed `mlisp experiment <P3 id> --json` and checks its checks pass,
//   6. typechecks a `moduleResolution: node10` consumer of the `/node` subpaths,
//   7. runs the README's train-MNIST-and-predict example and compares its output
//      (the same code as the Getting Started page, which this checks too).
// Needs the packages built first (`pnpm build`; `pnpm consumer-check` does it).
// Prints one line per step and a summary; exits non-zero on any failure.
// `--keep` leaves the temporary folder for inspection.
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const keep = process.argv.includes('--keep');
const TYPESCRIPT = '6.0.3';
const results = [];

function log(text) {
  process.stdout.write(`${text}\n`);
}

/** Runs a command; returns { ok, stdout, stderr, status }. Never throws. */
function sh(command, args, cwd, options = {}) {
  const env = { ...process.env, NO_COLOR: '1', npm_config_update_notifier: 'false' };
  delete env.FORCE_COLOR;
  // Outside the workspace nothing of pnpm's or npm's workspace config may leak in.
  for (const key of Object.keys(env)) {
    if (/^npm_(config_(workspace|prefix|global)|package_)/i.test(key)) delete env[key];
  }
  const r = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env,
    timeout: options.timeout ?? 600_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return {
    ok: r.status === 0,
    status: r.status ?? r.signal,
    stdout: r.stdout ?? '',
    stderr: `${r.stderr ?? ''}${r.error ? String(r.error) : ''}`,
  };
}

/** Records a step: `fn` returns a detail string or throws. */
function step(name, fn) {
  const started = Date.now();
  try {
    const detail = fn();
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    results.push({ name, ok: true, detail });
    log(`ok     ${name} (${seconds}s)${detail ? `: ${detail}` : ''}`);
    return true;
  } catch (error) {
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const message = error instanceof Error ? error.message : String(error);
    results.push({ name, ok: false, detail: message });
    log(`FAILED ${name} (${seconds}s)\n${message.replace(/^/gm, '       ')}`);
    return false;
  }
}

function must(result, what) {
  if (!result.ok) {
    throw new Error(
      `${what} exited with ${result.status}\n${result.stdout}\n${result.stderr}`.trim(),
    );
  }
  return result;
}

// ---- what to pack ------------------------------------------------------------
function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}
const candidates = [
  ...readdirSync(join(root, 'packages'))
    .sort()
    .map((name) => join(root, 'packages', name)),
  join(root, 'apps', 'cli'),
];
const publics = candidates
  .filter((dir) => existsSync(join(dir, 'package.json')))
  .map((dir) => ({ dir, manifest: readJson(join(dir, 'package.json')) }))
  .filter(({ manifest }) => manifest.private !== true);
const libraries = publics.filter(({ manifest }) => manifest.bin === undefined);
const cli = publics.find(({ manifest }) => manifest.name === '@mlisp/cli');

/** Every import specifier a package offers: its name and each subpath export except ./package.json and assets. */
function specifiers({ manifest }) {
  const out = [manifest.name];
  for (const key of Object.keys(manifest.exports ?? {})) {
    if (key === '.' || key === './package.json' || /\.[a-z0-9]+$/i.test(key)) continue;
    out.push(`${manifest.name}/${key.slice(2)}`);
  }
  return out;
}

/** The first js block after `heading` in a Markdown file, and the text block after it. */
function mnistExample(file, heading) {
  const text = readFileSync(file, 'utf8');
  const at = text.indexOf(`${heading}\n`);
  if (at < 0) throw new Error(`${file}: no heading '${heading}'`);
  const rest = text.slice(at);
  const code = /```js\n([\s\S]*?)```/.exec(rest);
  const output = /```text\n([\s\S]*?)```/.exec(rest);
  if (code === null || output === null)
    throw new Error(`${file}: no js and text blocks after '${heading}'`);
  return { code: code[1], output: output[1] };
}

const work = mkdtempSync(join(tmpdir(), 'mlisp-consumer-'));
const packs = join(work, 'packs');
const project = join(work, 'project');
mkdirSync(packs);
mkdirSync(project);
log(`consumer check in ${work}`);
log(`packages: ${publics.map((p) => `${p.manifest.name}@${p.manifest.version}`).join(', ')}`);

let ready = step('build present', () => {
  const missing = publics.filter(({ dir }) => !existsSync(join(dir, 'dist')));
  if (missing.length > 0) {
    throw new Error(
      `not built: ${missing.map((p) => p.manifest.name).join(', ')} (run pnpm build, or pnpm consumer-check)`,
    );
  }
  if (cli === undefined) throw new Error('apps/cli (@mlisp/cli) is missing or private');
  return `${publics.length} packages`;
});

const tarballs = [];
ready &&= step('pnpm pack', () => {
  for (const { dir, manifest } of publics) {
    const r = must(
      sh('pnpm', ['pack', '--pack-destination', packs, '--json'], dir),
      `pnpm pack in ${dir}`,
    );
    const json = JSON.parse(r.stdout.slice(r.stdout.indexOf('{')));
    tarballs.push(json.filename);
    const inside = sh('tar', ['-xzOf', json.filename, 'package/package.json'], work);
    const packed = JSON.parse(must(inside, 'tar').stdout);
    const deps = { ...packed.dependencies, ...packed.peerDependencies };
    const leaked = Object.entries(deps).filter(([, v]) => String(v).startsWith('workspace:'));
    if (leaked.length > 0)
      throw new Error(`${manifest.name}: workspace: ranges left in the tarball: ${leaked}`);
  }
  return tarballs.map((t) => t.split('/').pop()).join(' ');
});

ready &&= step('npm install (tarballs, typescript, @types/node)', () => {
  writeFileSync(
    join(project, 'package.json'),
    `${JSON.stringify({ name: 'mlisp-consumer', version: '1.0.0', private: true, type: 'module' }, null, 2)}\n`,
  );
  // A project of its own: npm must not walk up into the workspace.
  writeFileSync(join(project, '.npmrc'), 'audit=false\nfund=false\nupdate-notifier=false\n');
  const r = sh(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      ...tarballs,
      `typescript@${TYPESCRIPT}`,
      '@types/node@^20.19.0',
    ],
    project,
  );
  must(r, 'npm install');
  const installed = publics.filter(({ manifest }) =>
    existsSync(join(project, 'node_modules', ...manifest.name.split('/'), 'package.json')),
  );
  if (installed.length !== publics.length) throw new Error('not every package was installed');
  return `${installed.length} packages installed from tarballs`;
});

if (ready) {
  cpSync(join(here, 'fixtures'), project, { recursive: true });
  const libs = libraries.flatMap(specifiers);
  writeFileSync(join(project, 'specifiers.json'), `${JSON.stringify(libs)}\n`);

  step('ESM import', () => {
    const r = must(sh(process.execPath, ['esm.mjs'], project), 'node esm.mjs');
    return r.stdout.trim().split('\n').join(', ');
  });

  step('CJS require', () => {
    const r = must(sh(process.execPath, ['cjs.cjs'], project), 'node cjs.cjs');
    return r.stdout.trim().split('\n').join(', ');
  });

  step(`tsc ${TYPESCRIPT} against the shipped .d.ts (ESM and CJS consumers)`, () => {
    const tsc = join(project, 'node_modules', 'typescript', 'bin', 'tsc');
    const version = must(
      sh(process.execPath, [tsc, '--version'], project),
      'tsc --version',
    ).stdout.trim();
    if (!version.includes(TYPESCRIPT))
      throw new Error(`expected TypeScript ${TYPESCRIPT}, got ${version}`);
    must(sh(process.execPath, [tsc, '-p', 'tsconfig.json'], project), 'tsc -p tsconfig.json');
    return `${version}, module nodenext, skipLibCheck false`;
  });

  step(`tsc ${TYPESCRIPT}, moduleResolution node10 (typesVersions of the /node subpaths)`, () => {
    const tsc = join(project, 'node_modules', 'typescript', 'bin', 'tsc');
    must(sh(process.execPath, [tsc, '-p', 'node10/tsconfig.json'], project), 'tsc -p node10');
    return '@mlisp/mnist/node and @mlisp/formats/node found';
  });

  step('README example: train MNIST and predict (from the tarballs)', () => {
    const readme = mnistExample(
      join(root, 'README.md'),
      '## Train MNIST and predict in JavaScript',
    );
    const guide = mnistExample(
      join(root, 'docs', 'guide', 'getting-started.md'),
      '### Example: train MNIST and predict',
    );
    if (readme.code !== guide.code || readme.output !== guide.output) {
      throw new Error(
        'the README example differs from the Getting Started one; make them the same',
      );
    }
    const lines = readme.code.trimEnd().split('\n').length;
    if (lines > 15) throw new Error(`the example has ${lines} lines, more than 15`);
    writeFileSync(join(project, 'mnist-example.mjs'), readme.code);
    const r = must(sh(process.execPath, ['mnist-example.mjs'], project), 'node mnist-example.mjs');
    const got = r.stdout.trimEnd();
    if (got !== readme.output.trimEnd()) {
      throw new Error(`printed:\n${got}\nbut the README says:\n${readme.output.trimEnd()}`);
    }
    return `${lines} lines; ${got.split('\n')[0]}`;
  });

  step('XOR trains with @mlisp/trainer', () => {
    const r = must(sh(process.execPath, ['xor.mjs'], project), 'node xor.mjs');
    return r.stdout.trim().split('\n').pop();
  });

  step('mlisp experiment (problem 3) --json', () => {
    const bin = join(project, 'node_modules', '.bin', 'mlisp');
    if (!existsSync(bin)) throw new Error('node_modules/.bin/mlisp was not installed');
    const list = sh(bin, ['experiment', 'list', '--json'], project);
    let id = 'one-hot-to-binary';
    if (list.ok) {
      const lines = list.stdout
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('{') || l.startsWith('['));
      const entries = lines.flatMap((l) => [JSON.parse(l)].flat());
      const p3 = entries.find((e) => e.problem === 3);
      if (p3?.id) id = p3.id;
    }
    const r = must(
      sh(bin, ['experiment', id, '--json'], project, { timeout: 900_000 }),
      `mlisp experiment ${id} --json`,
    );
    const text = r.stdout.trim();
    const result = JSON.parse(text.slice(text.indexOf('{')));
    if (result.problem !== 3)
      throw new Error(`expected problem 3, got ${JSON.stringify(result).slice(0, 200)}`);
    const checks = result.checks ?? [];
    const failed = checks.filter((c) => c.pass !== true);
    if (checks.length === 0) throw new Error(`${id}: no checks in the result`);
    if (failed.length > 0) {
      throw new Error(
        `${id}: failed checks:\n${failed.map((c) => `  ${c.name}: expected ${c.expected}, observed ${c.observed}`).join('\n')}`,
      );
    }
    return `${id}: ${checks.length}/${checks.length} checks pass`;
  });
}

const failed = results.filter((r) => !r.ok);
log('');
log('consumer check summary');
for (const r of results) log(`  ${r.ok ? 'ok    ' : 'FAILED'} ${r.name}`);
log(
  failed.length === 0
    ? `all ${results.length} steps passed`
    : `${failed.length} of ${results.length} steps failed`,
);
if (keep || failed.length > 0) log(`temporary project kept in ${project}`);
else rmSync(work, { recursive: true, force: true });
process.exit(failed.length === 0 ? 0 : 1);
