// writeFileAtomic cleans up after runs killed mid-write: the temporary files of
// its target whose process no longer runs go, everything else stays.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../src/atomic.js';

const root = mkdtempSync(join(tmpdir(), 'mlisp-atomic-stale-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The pid of a process that has certainly ended: a child that ran and was reaped. */
function deadPid(): number {
  for (;;) {
    const { pid } = spawnSync(process.execPath, ['-e', '']);
    if (pid === undefined) throw new Error('could not spawn node');
    try {
      process.kill(pid, 0); // reused already: try another
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') return pid;
    }
  }
}

describe('writeFileAtomic and stale temporary files', () => {
  it('removes the target’s temporary files of dead processes and keeps everything else', () => {
    const dir = join(root, 'one');
    mkdirSync(dir);
    const dead = deadPid();
    const stale = [`.model.json.${dead}.0a1b2c3d.tmp`, `.model.json.${dead}.ffffffff.tmp`];
    const kept = [
      `.model.json.${process.pid}.0a1b2c3d.tmp`, // this process: alive
      '.model.json.1.0a1b2c3d.tmp', // pid 1 (init): alive, or EPERM, which means alive
      `.other.json.${dead}.0a1b2c3d.tmp`, // another target
      `.model.json.bak.${dead}.0a1b2c3d.tmp`, // another target too
      `.model.json.${dead}.0A1B2C3D.tmp`, // not the pattern: upper-case hex
      `.model.json.${dead}.0a1b2c.tmp`, // 6 hex digits
      `.model.json.${dead}.0a1b2c3d.tmp.old`,
      `.model.json.0${dead}.0a1b2c3d.tmp`,
      `.model.json.${dead}.tmp`,
      `model.json.${dead}.1.tmp`, // @mlisp/mnist's naming, not the CLI's
      `.model.json.${dead}.0a1b2c3d.TMP`,
    ];
    for (const name of [...stale, ...kept]) writeFileSync(join(dir, name), 'half-written');
    const target = join(dir, 'model.json');
    writeFileAtomic(target, '{"ok":true}');
    expect(readFileSync(target, 'utf8')).toBe('{"ok":true}');
    expect(readdirSync(dir).sort()).toEqual(['model.json', ...kept].sort());
    for (const name of kept) expect(readFileSync(join(dir, name), 'utf8')).toBe('half-written');
  });

  it('cleans up on the first write, before the target exists, and in a new folder does nothing', () => {
    const dir = join(root, 'two');
    mkdirSync(dir);
    const dead = deadPid();
    writeFileSync(join(dir, `.run.ckpt.json.${dead}.12345678.tmp`), '{"half');
    writeFileAtomic(join(dir, 'run.ckpt.json'), 'done');
    expect(readdirSync(dir)).toEqual(['run.ckpt.json']);
    writeFileAtomic(join(root, 'three', 'deeper', 'x.json'), 'x');
    expect(readdirSync(join(root, 'three', 'deeper'))).toEqual(['x.json']);
  });
});
