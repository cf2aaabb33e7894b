// Files a careful user or an attacker can hand the CLI (issue 18): outputs
// that are not regular files, symlinks, modes, names too long for their
// temporary file, the same file in and out, checkpoint locks, --resume
// checkpointing to its own file, and damaged checkpoints. Everything runs
// without root, in a temporary folder, with FIFOs and symlinks.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomModel } from '../helpers.js';
import { spawnCli } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'mlisp-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A short run: one epoch of [784,10] on 100 digits (well under a second of training). */
const QUICK = ['--train', '100', '--test', '20', '--sizes', '784,10', '--epochs', '1'];
const at = (name: string) => join(dir, name);

function fifo(name: string): string {
  const path = at(name);
  execFileSync('mkfifo', [path]);
  return path;
}

let checkpoint = '';
let model = '';
/** The checkpoint as first written (tests that resume start from a copy of it). */
let pristine = '';

beforeAll(async () => {
  checkpoint = at('base.ckpt.json');
  model = at('base.json');
  const r = await spawnCli(['train', ...QUICK, '--checkpoint', checkpoint, '--out', model]);
  expect(r.code, r.stderr).toBe(0);
  pristine = readFileSync(checkpoint, 'utf8');
});

describe('outputs that are not regular files', () => {
  it('--out a FIFO: refused with exit 2 naming --out, before any training, the FIFO left as is', async () => {
    const path = fifo('out.fifo');
    const r = await spawnCli(['train', ...QUICK, '--out', path], { timeoutMs: 20_000 });
    expect(r.timedOut).toBe(false);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out: '.*out\.fifo' is a FIFO/);
    expect(r.stdout).not.toMatch(/epoch/i);
    expect(lstatSync(path).isFIFO()).toBe(true);
  });

  it('--checkpoint a symlink to a FIFO: refused naming --checkpoint and the link target', async () => {
    const target = fifo('ckpt.fifo');
    const link = at('ckpt-link.json');
    symlinkSync(target, link);
    const r = await spawnCli(['train', ...QUICK, '--checkpoint', link], { timeoutMs: 20_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--checkpoint: .* is a FIFO .*symlink points to/);
    expect(lstatSync(target).isFIFO()).toBe(true);
  });

  it('export --out a FIFO and data export into a folder holding a FIFO: refused with exit 2', async () => {
    const path = fifo('export.fifo');
    const r = await spawnCli(['export', model, '--format', 'network2', '--out', path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out: .* is a FIFO/);
    const folder = mkdtempSync(join(dir, 'idx-'));
    execFileSync('mkfifo', [join(folder, 'train-labels-idx1-ubyte')]);
    const d = await spawnCli(['data', 'export', '--out', folder]);
    expect(d.code).toBe(2);
    expect(d.stderr).toMatch(/--out: .*train-labels-idx1-ubyte' is a FIFO/);
    expect(lstatSync(join(folder, 'train-labels-idx1-ubyte')).isFIFO()).toBe(true);
  });

  it('--out through a symlink: the target is replaced, the link stays a link, mode 600 is kept', async () => {
    const target = at('real-model.json');
    writeFileSync(target, 'old');
    chmodSync(target, 0o600);
    const link = at('model-link.json');
    symlinkSync('real-model.json', link); // relative, as users make them
    const r = await spawnCli(['train', ...QUICK, '--out', link]);
    expect(r.code, r.stderr).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(target, 'utf8')).format).toBe('mlisp-network');
    expect(statSync(target).mode & 0o777).toBe(0o600);
  });

  it('a --out name that fits but whose temporary name does not: exit 2 before training', async () => {
    const name = `${'m'.repeat(240)}.json`; // 245 bytes: allowed, but '.NAME.PID.RANDOM.tmp' is not
    const r = await spawnCli(['train', ...QUICK, '--out', at(name)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out: the name '.*' is too long: .*temporary file/);
    expect(r.stdout).not.toMatch(/epoch/i);
  });
});

describe('the same file in and out', () => {
  it('export m.json --out m.json: exit 2, the model unchanged', async () => {
    const before = readFileSync(model, 'utf8');
    const r = await spawnCli(['export', model, '--format', 'network2', '--out', model]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out '.*' is the same file as MODEL/);
    expect(readFileSync(model, 'utf8')).toBe(before);
  });

  it('--resume c --out c, --init m --checkpoint m, --checkpoint x --out x: exit 2 each', async () => {
    const cases = [
      [
        ['--resume', checkpoint, '--epochs', '2', '--out', checkpoint],
        /--out .* same file as --resume/,
      ],
      [['--init', model, '--checkpoint', model], /--checkpoint .* same file as --init/],
      [
        ['--checkpoint', at('x.json'), '--out', at('./x.json')],
        /--checkpoint .* same file as --out/,
      ],
    ] as const;
    for (const [flags, message] of cases) {
      const r = await spawnCli([
        'train',
        ...QUICK.filter((f) => f !== '--epochs' && f !== '1'),
        ...flags,
      ]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(JSON.parse(readFileSync(checkpoint, 'utf8')).format).toBe('mlisp-checkpoint');
  });
});

describe('checkpoint locks and --resume', () => {
  it('a checkpoint locked by a live process is refused naming its pid; a stale lock is taken over', async () => {
    const ckpt = at('locked.json');
    writeFileSync(`${ckpt}.lock`, `${process.pid}\n`); // this test process: alive
    const busy = await spawnCli(['train', ...QUICK, '--checkpoint', ckpt]);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toContain(`in use by another mlisp run (pid ${process.pid}`);
    expect(existsSync(ckpt)).toBe(false);
    writeFileSync(`${ckpt}.lock`, '2147483646\n'); // no such process
    const stale = await spawnCli(['train', ...QUICK, '--checkpoint', ckpt]);
    expect(stale.code, stale.stderr).toBe(0);
    expect(existsSync(ckpt)).toBe(true);
    expect(existsSync(`${ckpt}.lock`)).toBe(false); // released at the end
  });

  it('--resume X without --checkpoint keeps checkpointing to X', async () => {
    const ckpt = at('resumed.json');
    writeFileSync(ckpt, pristine);
    const r = await spawnCli(['train', '--resume', ckpt, '--epochs', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(ckpt, 'utf8')).trainer.epoch).toBe(2);
  });
});

/** The parts of a checkpoint the cases below edit. */
interface Ckpt {
  settings: Record<string, unknown>;
  model: Record<string, unknown>;
}

describe('checkpoint contents', () => {
  const edited = (name: string, edit: (json: Ckpt) => void): string => {
    const json = JSON.parse(pristine);
    edit(json);
    const path = at(name);
    writeFileSync(path, JSON.stringify(json));
    return path;
  };

  it('bad settings, wrong sizes or cost, missing momentum velocities: exit 2 naming --resume', async () => {
    const cases: [string, (j: Ckpt) => void, RegExp][] = [
      ['eta.json', (j) => (j.settings.eta = 'fast'), /settings\.eta must be a number/],
      ['batch.json', (j) => (j.settings.batch = -3), /settings\.batch/],
      ['act.json', (j) => (j.settings.activation = 'swish'), /settings\.activation/],
      [
        'sizes.json',
        (j) => (j.settings.sizes = [784, 30, 10]),
        /sizes \[784,10\] but its settings say \[784,30,10\]/,
      ],
      [
        'cost.json',
        (j) => (j.model.cost = 'quadratic'),
        /cost is quadratic but its settings say cross-entropy/,
      ],
      [
        'velocities.json',
        (j) => {
          j.settings.momentum = 0.5;
        },
        /velocities are missing, but the run uses momentum 0.5/,
      ],
    ];
    cases.push([
      'padded.json',
      (j) => {
        const trainer = (j as unknown as { trainer: { history: unknown[] } }).trainer;
        trainer.history = [...trainer.history, ...Array.from({ length: 300_000 }, () => [])];
      },
      /holds 300,\d\d\d arrays, far more than the \d+ its sizes \[784,10\] need/,
    ]);
    for (const [name, edit, message] of cases) {
      const r = await spawnCli(['train', '--resume', edited(name, edit), '--epochs', '2']);
      expect(r.code, `${name}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/--resume: '.*' is not an mlisp checkpoint file/);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
  });
});

describe('conflicting flags', () => {
  it('--init model.json --activation relu (or --output softmax) is refused as --sizes is', async () => {
    const hidden = at('hidden.json');
    writeFileSync(hidden, JSON.stringify(randomModel([784, 5, 10], ['sigmoid', 'sigmoid'])));
    const a = await spawnCli([
      'train',
      ...QUICK.slice(0, 4),
      '--epochs',
      '1',
      '--init',
      hidden,
      '--activation',
      'relu',
    ]);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(
      /--activation relu does not match the model given with --init \(sigmoid\)/,
    );
    const o = await spawnCli([
      'train',
      ...QUICK.slice(0, 4),
      '--epochs',
      '1',
      '--init',
      hidden,
      '--output',
      'softmax',
      '--cost',
      'log-likelihood',
    ]);
    expect(o.code).toBe(2);
    expect(o.stderr).toMatch(
      /--output softmax does not match the model given with --init \(sigmoid\)/,
    );
  });
});
