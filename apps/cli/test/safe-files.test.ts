// Unit tests of the file-safety modules: atomic writes through symlinks and
// keeping modes, refusals of what is not a regular file, checkpoint locks,
// the PNG structure check and the signal exit codes.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { NotRegularFileError, writeFileAtomic } from '../src/atomic.js';
import { RunError, UsageError } from '../src/errors.js';
import { acquireLock } from '../src/locks.js';
import { checkPng, decodeBytes, MAX_PNG_DECODE_BYTES, scanlineBytes } from '../src/png-check.js';
import { checkOutputFile, refuseSameFiles, writeTarget } from '../src/safe-paths.js';
import { exitCodeOfSignal } from '../src/signals.js';

const root = mkdtempSync(join(tmpdir(), 'mlisp-safe-files-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const at = (name: string) => join(root, name);

describe('writeFileAtomic', () => {
  it('writes through a chain of symlinks, also a dangling one, and leaves the links', () => {
    writeFileSync(at('target.json'), 'old');
    symlinkSync('target.json', at('link1'));
    symlinkSync(at('link1'), at('link2'));
    writeFileAtomic(at('link2'), 'new');
    expect(readFileSync(at('target.json'), 'utf8')).toBe('new');
    expect(lstatSync(at('link1')).isSymbolicLink()).toBe(true);
    expect(lstatSync(at('link2')).isSymbolicLink()).toBe(true);
    symlinkSync('not-yet.json', at('dangling'));
    writeFileAtomic(at('dangling'), 'created');
    expect(readFileSync(at('not-yet.json'), 'utf8')).toBe('created');
    expect(lstatSync(at('dangling')).isSymbolicLink()).toBe(true);
    expect(readdirSync(root).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('keeps the mode of the file it replaces (600 stays 600, 640 stays 640)', () => {
    for (const mode of [0o600, 0o640, 0o755]) {
      const path = at(`mode-${mode.toString(8)}`);
      writeFileSync(path, 'old');
      chmodSync(path, mode);
      writeFileAtomic(path, 'new');
      expect(statSync(path).mode & 0o777).toBe(mode);
      expect(readFileSync(path, 'utf8')).toBe('new');
    }
  });

  it('refuses a FIFO, directly or through a symlink, with NotRegularFileError', () => {
    execFileSync('mkfifo', [at('pipe')]);
    symlinkSync('pipe', at('pipe-link'));
    for (const path of [at('pipe'), at('pipe-link')]) {
      expect(() => writeFileAtomic(path, 'x')).toThrow(NotRegularFileError);
      expect(lstatSync(at('pipe')).isFIFO()).toBe(true);
    }
  });
});

describe('checkOutputFile and refuseSameFiles', () => {
  it('refuses a character device and a folder behind a symlink, naming the flag', () => {
    expect(() => checkOutputFile('/dev/null', '--out')).toThrow(
      /--out: '\/dev\/null' is a character device/,
    );
    symlinkSync(root, at('dir-link'));
    expect(() => checkOutputFile(at('dir-link'), '--checkpoint')).toThrow(
      /--checkpoint: .* is a folder \(the symlink points to/,
    );
  });

  it('removes the temporary files of dead processes (a run killed during its probe), not of live ones', () => {
    const { pid } = spawnSync(process.execPath, ['-e', '']); // ended and reaped
    const dead = `.probe.json.${pid}.0a1b2c3d.tmp`;
    const live = `.probe.json.1.0a1b2c3d.tmp`; // pid 1 always runs
    writeFileSync(at(dead), '');
    writeFileSync(at(live), '');
    checkOutputFile(at('probe.json'), '--checkpoint');
    expect(existsSync(at(dead))).toBe(false);
    expect(existsSync(at(live))).toBe(true);
    rmSync(at(live));
  });

  it('leaves no probe file behind and accepts a name whose temporary name fits', () => {
    checkOutputFile(at(`${'n'.repeat(200)}.json`), '--out');
    expect(readdirSync(root).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(() => checkOutputFile(at(`${'n'.repeat(240)}.json`), '--out')).toThrow(UsageError);
  });

  it('finds the same file under another spelling, through a symlink or a hard link', () => {
    writeFileSync(at('m.json'), '{}');
    symlinkSync('m.json', at('m-link.json'));
    execFileSync('ln', [at('m.json'), at('m-hard.json')]);
    for (const other of [at('./m.json'), at('m-link.json'), at('m-hard.json')]) {
      expect(() =>
        refuseSameFiles([{ flag: 'MODEL', path: at('m.json') }], [{ flag: '--out', path: other }]),
      ).toThrow(/--out '.*' is the same file as MODEL/);
    }
    expect(writeTarget(at('m-link.json'))).toBe(writeTarget(at('m.json')));
    refuseSameFiles(
      [{ flag: 'MODEL', path: at('m.json') }],
      [{ flag: '--out', path: at('n.json') }],
    );
  });
});

describe('acquireLock', () => {
  it('holds FILE.lock with its pid, refuses a live holder, takes over a dead one, releases', () => {
    const file = at('run.ckpt.json');
    const lock = acquireLock(file, '--checkpoint');
    expect(readFileSync(`${file}.lock`, 'utf8').trim()).toBe(String(process.pid));
    lock.release();
    expect(existsSync(`${file}.lock`)).toBe(false);
    writeFileSync(`${file}.lock`, '1\n'); // pid 1 always runs
    expect(() => acquireLock(file, '--checkpoint')).toThrow(RunError);
    expect(() => acquireLock(file, '--checkpoint')).toThrow(/in use by another mlisp run \(pid 1,/);
    writeFileSync(`${file}.lock`, '2147483646\n'); // no such process: stale
    const taken = acquireLock(file, '--checkpoint');
    expect(readFileSync(`${file}.lock`, 'utf8').trim()).toBe(String(process.pid));
    taken.release();
    writeFileSync(`${file}.lock`, 'garbage'); // no pid: stale too
    acquireLock(file, '--checkpoint').release();
    expect(existsSync(`${file}.lock`)).toBe(false);
  });
});

describe('checkPng', () => {
  const png = new PNG({ width: 30, height: 20 });
  png.data.fill(200);
  const whole = new Uint8Array(PNG.sync.write(png));

  it('accepts a whole PNG and refuses it cut at any point before its end', () => {
    checkPng(whole);
    for (let cut = 9; cut < whole.length; cut += 7) {
      expect(() => checkPng(whole.subarray(0, cut)), `cut at ${cut}`).toThrow(/truncated/);
    }
  });

  it('counts the scanline bytes of plain and Adam7-interlaced images', () => {
    expect(scanlineBytes(8, 8, 8, false)).toBe(72);
    // Passes of an 8x8 image: 1x1, 1x1, 2x1, 2x2, 4x2, 4x4, 8x4, each row with a filter byte.
    expect(scanlineBytes(8, 8, 8, true)).toBe(2 + 2 + 3 + 6 + 10 + 20 + 36);
    expect(scanlineBytes(1, 1, 8, true)).toBe(2); // only the first pass has pixels
    expect(scanlineBytes(28, 28, 1, false)).toBe(28 * (1 + 4)); // 1-bit grey: 28 bits in 4 bytes
  });

  it('bounds the decode memory: a 1 x 25,000,000 image needs ~1 GB, 28x28 almost nothing', () => {
    expect(decodeBytes(1, 25_000_000, 8)).toBeGreaterThan(MAX_PNG_DECODE_BYTES);
    expect(decodeBytes(28, 28, 32)).toBeLessThan(100_000);
    // 3000x3000 RGBA (a photo of a digit) is within bounds.
    expect(decodeBytes(3000, 3000, 32)).toBeLessThan(MAX_PNG_DECODE_BYTES);
  });
});

describe('exitCodeOfSignal', () => {
  it('is 128 + the signal number, as shells report it', () => {
    expect(exitCodeOfSignal('SIGINT')).toBe(130);
    expect(exitCodeOfSignal('SIGTERM')).toBe(143);
    expect(exitCodeOfSignal('SIGHUP')).toBe(129);
  });
});
