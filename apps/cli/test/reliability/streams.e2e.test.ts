// What the user asked to keep in files survives a stdout closed early or
// failing, a disk that fills during a checkpoint (a file-size limit set with
// `ulimit -f` in the child: Node ignores SIGXFSZ, so the write fails with
// EFBIG), SIGTERM and SIGHUP (treated as Ctrl-C), and a SIGTERM sent to the
// `pnpm mlisp` wrapper, which does not pass it on. No root needed.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, sleep, spawnCli } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'mlisp-streams-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (name: string) => join(dir, name);
/** A run of a few seconds: enough epochs to be signalled in the middle. */
const LONG = ['--train', '2000', '--test', '100', '--sizes', '784,30,10', '--epochs', '400'];
const QUICK = ['--train', '200', '--test', '50', '--sizes', '784,30,10', '--epochs', '2'];

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Spawns `command args` with the given stdout, collecting stderr; resolves on exit. */
function spawnWith(
  command: string,
  args: readonly string[],
  stdout: 'pipe' | number,
  onStart?: (child: ChildProcess) => void,
): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1' };
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', stdout, 'pipe'] });
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (t: string) => {
      stderr += t;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
    onStart?.(child);
  });
}

const noStackTrace = (text: string) => expect(text).not.toMatch(/\n\s+at .*:\d+:\d+/);

describe('stdout closed early or failing', () => {
  it('`train --out m.json | head -1`: the model and checkpoint are still written, exit 141', async () => {
    const out = at('piped.json');
    const ckpt = at('piped.ckpt.json');
    const r = await spawnWith(
      process.execPath,
      [CLI, 'train', ...QUICK, '--out', out, '--checkpoint', ckpt],
      'pipe',
      (child) => {
        child.stdout?.once('data', () => child.stdout?.destroy()); // the reader goes after the first line
      },
    );
    expect(r.code, r.stderr).toBe(141);
    expect(JSON.parse(readFileSync(out, 'utf8')).format).toBe('mlisp-network');
    expect(JSON.parse(readFileSync(ckpt, 'utf8')).trainer.epoch).toBe(2);
    expect(r.stderr).toMatch(/stdout was closed by its reader \(EPIPE\); files written: .*piped/);
    noStackTrace(r.stderr);
  });

  it('with no files to write, a closed stdout ends the run at once with 141', async () => {
    const r = await spawnWith(process.execPath, [CLI, 'train', ...LONG], 'pipe', (child) => {
      child.stdout?.once('data', () => child.stdout?.destroy());
    });
    expect(r.code, r.stderr).toBe(141);
    expect(r.stderr).toMatch(/stdout was closed by its reader \(EPIPE\)$/m);
    expect(r.signal).toBeNull(); // ended by itself, not by the 60 s safety kill
    noStackTrace(r.stderr);
  });

  it('`train --out m.json > /dev/full`: the model is written, exit 1 saying ENOSPC, no stack trace', async () => {
    const out = at('full.json');
    const fd = openSync('/dev/full', 'w');
    const r = await spawnWith(process.execPath, [CLI, 'train', ...QUICK, '--out', out], fd);
    closeSync(fd);
    expect(r.code, r.stderr).toBe(1);
    expect(JSON.parse(readFileSync(out, 'utf8')).format).toBe('mlisp-network');
    expect(r.stderr).toMatch(/writing to stdout failed \(ENOSPC\)/);
    noStackTrace(r.stderr);
  });
});

describe('disk full during a checkpoint', () => {
  // Resuming writes back to the --resume file unless --checkpoint names another (here: the same one).
  it.each([
    ['--checkpoint', ['--checkpoint']],
    ['--resume', []],
  ])(
    'names the file (as %s), still writes --out, keeps the last good checkpoint, exits 1',
    async (flag, extra) => {
      const ckpt = at(`limited${extra.length}.ckpt.json`);
      const out = at(`limited${extra.length}.json`);
      // A good checkpoint of epoch 1 first, without a limit.
      const first = await spawnCli([
        'train',
        ...QUICK,
        '--epochs',
        '1',
        '--momentum',
        '0.5',
        '--checkpoint',
        ckpt,
      ]);
      expect(first.code, first.stderr).toBe(0);
      const good = readFileSync(ckpt, 'utf8');
      expect(good.length).toBeGreaterThan(700 * 1024); // the limit below is between the two sizes
      const model = Buffer.byteLength(JSON.stringify(JSON.parse(good).model));
      expect(model).toBeLessThan(600 * 1024);
      // ulimit -f counts 1024-byte blocks in bash: a 650 KiB file-size limit.
      const script = `ulimit -f 650 && exec "$0" "$@"`;
      const r = await spawnWith(
        'bash',
        [
          '-c',
          script,
          process.execPath,
          CLI,
          'train',
          '--resume',
          ckpt,
          ...extra.flatMap((f) => [f, ckpt]),
          '--epochs',
          '3',
          '--out',
          out,
        ],
        'pipe',
      );
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain(`${flag}: could not write '${ckpt}'`);
      expect(r.stderr).toMatch(/EFBIG/);
      expect(readFileSync(ckpt, 'utf8')).toBe(good); // the last good one, untouched
      expect(JSON.parse(readFileSync(out, 'utf8')).meta.epochs).toBe(3); // the other output written
      noStackTrace(r.stderr);
    },
  );
});

describe('disk full during data export', () => {
  it('names --out and the cause, exit 1, no stack trace', async () => {
    const folder = at('limited-idx');
    const r = await spawnWith(
      'bash',
      [
        '-c',
        'ulimit -f 100 && exec "$0" "$@"',
        process.execPath,
        CLI,
        'data',
        'export',
        '--out',
        folder,
      ],
      'pipe',
    );
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(
      `--out: could not write the IDX files into '${folder}' (EFBIG: file too large)`,
    );
    noStackTrace(r.stderr);
  });
});

describe('SIGTERM and SIGHUP', () => {
  for (const [signal, code] of [
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    it(`${signal} stops like Ctrl-C: --out and the checkpoint saved, says so, exits ${code}`, async () => {
      const out = at(`${signal}.json`);
      const ckpt = at(`${signal}.ckpt.json`);
      let sent = false;
      const r = await spawnCli(['train', ...LONG, '--out', out, '--checkpoint', ckpt, '--json'], {
        onStdout: (stdout, child) => {
          if (!sent && stdout.includes('"event":"epoch"')) {
            sent = true;
            child.kill(signal);
          }
        },
      });
      expect(sent).toBe(true);
      expect(r.code, r.stderr).toBe(code);
      expect(r.stderr).toContain(`stopping after this mini-batch (${signal}`);
      expect(JSON.parse(readFileSync(out, 'utf8')).format).toBe('mlisp-network');
      const state = JSON.parse(readFileSync(ckpt, 'utf8')).trainer;
      expect(state.epoch).toBeLessThan(400);
      expect(r.stdout).toMatch(/"interrupted":true/);
    });
  }
});

describe('through the pnpm wrapper', () => {
  it('SIGTERM to `pnpm mlisp train` (which does not pass it on) still stops and saves the run', async () => {
    const out = at('pnpm.json');
    const ckpt = at('pnpm.ckpt.json');
    const child = spawn('pnpm', ['mlisp', 'train', ...LONG, '--out', out, '--checkpoint', ckpt], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (t: Buffer) => {
      stdout += t.toString();
    });
    child.stderr.on('data', () => undefined);
    const closed = new Promise((resolve) => child.on('close', resolve));
    while (!existsSync(ckpt)) await sleep(50); // training has started: epoch 1 saved
    child.kill('SIGTERM');
    await closed;
    // pnpm is gone; mlisp notices within a quarter second, saves and exits.
    const deadline = Date.now() + 20_000;
    while (!existsSync(out) && Date.now() < deadline) await sleep(100);
    expect(existsSync(out)).toBe(true);
    expect(JSON.parse(readFileSync(out, 'utf8')).meta.epochs).toBeLessThan(400);
    await sleep(500);
    expect(existsSync(`${ckpt}.lock`)).toBe(false); // the run has ended and released its lock
    expect(stdout).toContain('mlisp train');
  });
});
