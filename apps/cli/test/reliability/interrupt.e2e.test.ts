// Interruptions: `mlisp train --checkpoint FILE` is killed with SIGKILL at
// seeded random moments (during start-up, training, evaluation or the
// checkpoint write itself), at least 20 times, and resumed from whatever the
// checkpoint holds each time. The checkpoint must always be the previous
// complete state or a newer complete one — never absent once written, never
// half-written — and the chain of resumed runs must end with weights
// bit-identical to a run that was never interrupted. Some legs get SIGINT
// instead (Ctrl-C): training stops at a mini-batch boundary, saves, exits
// 130, and resuming from that mid-epoch state changes nothing either. A kill
// inside a write leaves its temporary file behind; the next leg's checkpoint
// write must remove it (its process is gone), and no temporary file may be
// left once a chain has run to the end.
//
// mlisp is spawned as `node dist/cli.js` (no shell, no pnpm in between), so
// the signal reaches the process that runs the CLI; training runs in a worker
// thread of that same process, which SIGKILL ends with it.
import type { ChildProcess } from 'node:child_process';
import {
  existsSync,
  type FSWatcher,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  watch,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseModel } from '@mlisp/neurons';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCheckpoint } from '../../src/checkpoint.js';
import { jsonLines } from '../cli-runner.js';
import { type Ended, seeded, sleep, spawnCli } from './harness.js';

const KILLS = 24;
const EPOCHS = 10;
const SAMPLES = 100;
// [784,100,10] with momentum: a 3.6 MB checkpoint, so its write is a good part of each epoch.
const FLAGS = [
  ...['--train', String(SAMPLES), '--test', '50', '--sizes', '784,100,10'],
  ...['--momentum', '0.5', '--seed', '11', '--batch', '10'],
];

const dir = mkdtempSync(join(tmpdir(), 'mlisp-interrupt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let referenceModel = '';
let referenceMs = 0;
/** One epoch of the reference run, checkpoint write included: from its first epoch line to its end, per epoch. */
let epochMs = 0;

interface State {
  epoch: number;
  batch: number;
}

/** The checkpoint JSON without timings, for comparing states written by different runs. */
function normalised(text: string): string {
  const json = JSON.parse(text);
  for (const event of json.trainer.history) delete event.seconds;
  for (const record of json.cli.records) delete record.seconds;
  return JSON.stringify(json);
}

/** Checks that `file` is a complete, valid checkpoint of this run; returns its position. */
function validCheckpoint(file: string, text: string): State {
  const json = JSON.parse(text); // complete JSON, or this throws
  expect(json.format).toBe('mlisp-checkpoint');
  const ckpt = readCheckpoint(file); // the CLI's own reader (it parses the model)
  parseModel(json.model); // and the library's
  const { epoch, batch, history, order, velocities } = ckpt.trainer;
  expect(Number.isInteger(epoch) && epoch >= 0 && epoch <= EPOCHS).toBe(true);
  expect(Number.isInteger(batch) && batch >= 0 && batch < SAMPLES / 10).toBe(true);
  expect(history).toHaveLength(epoch);
  if (batch > 0) expect(order).toHaveLength(SAMPLES);
  expect(velocities?.weights).toHaveLength(2);
  expect(ckpt.settings.seed).toBe(11);
  return { epoch, batch };
}

const after = (a: State, b: State) =>
  a.epoch > b.epoch || (a.epoch === b.epoch && a.batch > b.batch);

/** A model file's weights and biases, as text. */
function weightsOf(text: string): string {
  const json = JSON.parse(text);
  return JSON.stringify([json.weights, json.biases]);
}

beforeAll(async () => {
  const out = join(dir, 'reference.json');
  const started = performance.now();
  let firstEpoch = 0;
  const result = await spawnCli(
    [
      ...['train', ...FLAGS, '--epochs', String(EPOCHS), '--out', out],
      ...['--checkpoint', join(dir, 'reference.ckpt.json'), '--json'],
    ],
    {
      onStdout: (text) => {
        if (firstEpoch === 0 && text.includes('"event":"epoch"')) firstEpoch = performance.now();
      },
    },
  );
  referenceMs = performance.now() - started;
  epochMs = (performance.now() - firstEpoch) / (EPOCHS - 1);
  expect(result.code, result.stderr).toBe(0);
  referenceModel = readFileSync(out, 'utf8');
});

describe('killed and resumed at random moments', () => {
  it(`survives ${KILLS} SIGKILLs and some SIGINTs; the checkpoint is always complete and the result bit-identical`, async () => {
    const rand = seeded(20240611);
    const counts = {
      kills: 0,
      killsMidWrite: 0,
      killsBeforeFirst: 0,
      sigints: 0,
      sigintsMidEpoch: 0,
      legs: 0,
      staleRemoved: 0,
    };
    const byEpoch = new Map<number, string>(); // epoch-end states seen, timings aside
    let chains = 0;
    let checkedPid = false;
    while (counts.kills < KILLS) {
      chains++;
      const home = join(dir, `chain-${chains}`);
      mkdirSync(home);
      const ckpt = join(home, 'run.ckpt.json');
      const out = join(home, 'net.json');
      let previous: { text: string; state: State } | null = null;
      // Temporary files that killed legs of this chain left behind.
      let leftover = new Set<string>();
      for (;;) {
        counts.legs++;
        const args =
          previous === null
            ? ['train', ...FLAGS, '--epochs', String(EPOCHS)]
            : ['train', '--resume', ckpt, '--epochs', String(EPOCHS)];
        args.push('--checkpoint', ckpt, '--out', out, '--json');
        const left = EPOCHS - (previous?.state.epoch ?? 0);
        const draw = rand();
        const mode =
          counts.kills >= KILLS
            ? 'finish'
            : (previous === null && counts.sigints === 0) || (draw < 0.3 && left >= 3)
              ? 'sigint'
              : draw < 0.6
                ? 'kill-in-write'
                : 'kill';
        // The first leg of a chain is a Ctrl-C until one has landed: chains soon sit a few epochs
        // from the end, where the random draw alone may never pick one.
        // 'kill': SIGKILL a random time into a whole uninterrupted run's duration (some land in
        // start-up, some too late for a short resumed leg). 'kill-in-write': SIGKILL 0-3 ms after
        // the k-th checkpoint write of the leg creates its temporary file. 'sigint': Ctrl-C a
        // random time after the first epoch line.
        const delay = rand() * referenceMs;
        const writeDelay = Math.floor(rand() * 4);
        const nthWrite = 1 + Math.floor(rand() * Math.min(3, left));
        // Within the next epoch: the engine trains an epoch in milliseconds, start-up dominates referenceMs.
        const sigintDelay = rand() * epochMs;
        let child: ChildProcess | null = null;
        let sent = false;
        let killer: Promise<void> = Promise.resolve();
        let watcher: FSWatcher | null = null;
        const kill = (c: ChildProcess) => {
          if (c.exitCode !== null || c.signalCode !== null) return;
          if (!checkedPid && existsSync(`/proc/${c.pid}/cmdline`)) {
            // The signal goes to the node process running the CLI itself.
            const cmd = readFileSync(`/proc/${c.pid}/cmdline`, 'utf8');
            if (cmd !== '') {
              expect(cmd).toContain('cli.js');
              checkedPid = true;
            }
          }
          c.kill('SIGKILL');
        };
        const ended: Ended = await spawnCli(args, {
          onSpawn: (c) => {
            child = c;
            if (mode === 'kill') killer = sleep(delay).then(() => kill(c));
            if (mode === 'kill-in-write') {
              const seen = new Set<string>();
              // Only this leg's own temporary files (the watcher also sees stale ones removed).
              const own = `.${c.pid}.`;
              watcher = watch(home, (_event, name) => {
                if (name === null || !name.endsWith('.tmp') || !name.includes(own)) return;
                if (seen.has(name)) return;
                seen.add(name);
                if (seen.size !== nthWrite) return;
                if (writeDelay === 0) kill(c);
                else setTimeout(() => kill(c), writeDelay);
              });
            }
          },
          onStdout: (text, c) => {
            if (mode === 'sigint' && !sent && text.includes('"event":"epoch"')) {
              sent = true;
              setTimeout(() => c.kill('SIGINT'), sigintDelay);
            }
          },
        });
        await killer;
        (watcher as FSWatcher | null)?.close();
        expect(child).not.toBeNull();
        expect(ended.timedOut, `leg ${counts.legs} timed out: ${ended.stderr}`).toBe(false);

        // New half-written temporary files show the kill landed inside a write. They stay:
        // the next write of the same file must remove them, their process being gone.
        const temps = readdirSync(home).filter((n) => n.endsWith('.tmp'));
        if (temps.some((t) => !leftover.has(t))) {
          expect(ended.signal).toBe('SIGKILL');
          counts.killsMidWrite++;
        }
        // A leg that replaced the checkpoint ran its atomic write, which removed the
        // checkpoint's temporary files of earlier (dead) legs.
        const replaced = existsSync(ckpt) && readFileSync(ckpt, 'utf8') !== previous?.text;
        for (const t of leftover) {
          if (!replaced || !t.startsWith('.run.ckpt.json.')) continue;
          expect(temps, `stale ${t} survived a checkpoint write`).not.toContain(t);
          counts.staleRemoved++;
        }
        leftover = new Set(temps);

        // A SIGINT that arrives only after training ended (the Ctrl-C handler is gone) ends
        // the process like a kill: the same rules hold for what it leaves behind.
        if (ended.signal === 'SIGKILL' || ended.signal === 'SIGINT') {
          if (ended.signal === 'SIGKILL') counts.kills++;
          if (!existsSync(ckpt)) {
            // Killed before the first epoch ended: there was nothing to keep.
            expect(previous).toBeNull();
            counts.killsBeforeFirst++;
            continue;
          }
          const text = readFileSync(ckpt, 'utf8');
          if (previous !== null && text === previous.text) continue; // the previous state, intact
          const state = validCheckpoint(ckpt, text);
          expect(state.batch).toBe(0); // SIGKILL leaves only epoch-end states
          if (previous !== null) expect(after(state, previous.state)).toBe(true);
          const seen = byEpoch.get(state.epoch);
          if (seen === undefined) byEpoch.set(state.epoch, normalised(text));
          else expect(normalised(text)).toBe(seen);
          previous = { text, state };
          continue;
        }

        const lines = jsonLines(ended.stdout);
        const done = lines.at(-1);
        if (ended.code === 130) {
          // Ctrl-C: stopped at a mini-batch boundary, saved, reported, exit 130.
          counts.sigints++;
          expect(mode).toBe('sigint');
          expect(ended.stderr).toContain('stopping after this mini-batch');
          expect(done).toMatchObject({ event: 'done', interrupted: true });
          const text = readFileSync(ckpt, 'utf8');
          const state = validCheckpoint(ckpt, text);
          const printed = lines.filter((l) => l.event === 'epoch').at(-1)?.epoch as number;
          expect(state.epoch).toBeGreaterThanOrEqual(printed);
          expect(state.epoch).toBeLessThan(EPOCHS);
          expect(done?.epochs).toBe(state.epoch);
          if (state.batch > 0) counts.sigintsMidEpoch++;
          if (previous !== null) expect(after(state, previous.state)).toBe(true);
          previous = { text, state };
          continue;
        }

        // The leg ran to the end: the model must be bit-identical to the uninterrupted run's.
        expect(ended.code, ended.stderr).toBe(0);
        expect(done).toMatchObject({ event: 'done', epochs: EPOCHS, model: out });
        expect(weightsOf(readFileSync(out, 'utf8'))).toBe(weightsOf(referenceModel));
        // Byte for byte, metadata included (it holds no timestamp).
        expect(readFileSync(out, 'utf8')).toBe(referenceModel);
        const final = validCheckpoint(ckpt, readFileSync(ckpt, 'utf8'));
        expect(final).toEqual({ epoch: EPOCHS, batch: 0 });
        // Checkpoint and model both written since the last kill: no stale temporary file is left.
        expect(readdirSync(home).filter((n) => n.endsWith('.tmp'))).toEqual([]);
        break;
      }
    }
    console.info(
      `interrupts: ${counts.kills} SIGKILLs survived (${counts.killsMidWrite} inside a write, ${counts.killsBeforeFirst} before the first checkpoint), ${counts.sigints} SIGINTs (${counts.sigintsMidEpoch} saved mid-epoch), ${counts.legs} runs in ${chains} chains, ${counts.staleRemoved} stale temporary files removed by the next checkpoint write`,
    );
    expect(counts.kills).toBeGreaterThanOrEqual(20);
    expect(counts.sigints).toBeGreaterThanOrEqual(1);
  });
});
