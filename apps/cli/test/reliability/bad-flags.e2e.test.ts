// One table of bad flag values for every command — negative, zero, NaN, not a
// number, empty, unknown names, sizes that do not fit the data (or memory),
// missing files, a folder for a file, a file for a folder — each run through
// the built CLI. Every row must exit with 2, print nothing on stdout, and name
// the flag (and the value) on stderr, without a stack trace; none may start
// training. Rows run 4 processes at a time.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomModel } from '../helpers.js';
import { pool, spawnCli } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'mlisp-bad-flags-'));
const f = {
  good: join(dir, 'good.json'),
  m100: join(dir, 'inputs-100.json'),
  notJson: join(dir, 'not-json.txt'),
  folder: join(dir, 'a-folder'),
  emptyData: join(dir, 'no-idx-files'),
  missing: join(dir, 'missing.json'),
  missingDir: join(dir, 'missing-dir'),
  ckpt: join(dir, 'run.ckpt.json'),
  brokenPng: join(dir, 'broken.png'),
  emptyPng: join(dir, 'empty.png'),
  forgedPng: join(dir, 'forged-30000x30000.png'),
  underFile: join(dir, 'not-json.txt', 'x.json'),
};

/** A PNG whose header claims `width x height` grey pixels, with almost no image data. */
function forgedPng(width: number, height: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc32 = (bytes: Buffer) => {
    let c = 0xffffffff;
    for (const b of bytes) c = (crcTable[(c ^ b) & 0xff] as number) ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth; colour type 0 (grey)
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(10))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

interface Row {
  /** The command line after `mlisp`. */
  args: string[];
  /** Texts stderr must contain: the flag, and the value when there is one. */
  needles: string[];
}

/** `cmd flag value`: must name the flag and the value. */
const bad = (cmd: string[], flag: string, value: string, ...rest: string[]): Row => ({
  args: [...cmd, flag, value, ...rest],
  needles: [flag, `'${value}'`],
});

/** Every value of `values` for `flag` of `cmd`. */
const each = (cmd: string[], flag: string, values: string[], ...rest: string[]): Row[] =>
  values.map((v) => bad(cmd, flag, v, ...rest));

/** A flag given as the last word, with no value. */
const noValue = (cmd: string[], flag: string): Row => ({
  args: [...cmd, flag],
  needles: [flag, 'argument missing'],
});

const row = (args: string[], ...needles: string[]): Row => ({ args, needles });

function table(): Row[] {
  const train = ['train'];
  const evalCmd = ['eval', f.good];
  const predict = ['predict', f.good];
  const idx = ['--index', '0'];
  const exportCmd = ['export', f.good];
  const dataExport = ['data', 'export'];
  const experiment = ['experiment', 'list'];
  const notNumbers = ['NaN', 'abc', ''];
  const files = [f.missing, f.folder];
  return [
    // mlisp train
    ...each(train, '--sizes', [
      '784',
      '784,0,10',
      '784,-5,10',
      '784,abc,10',
      '784,30.5,10',
      '784,,10',
      ...notNumbers,
      '100,30,10', // does not fit 28x28 digits
      '784,30,9', // does not fit 10 classes
      '784,100000000,10', // does not fit in memory
      '784,20000,10', // 15.7 million weights: more than a model file can hold
    ]),
    ...each(train, '--activation', ['swish', 'step', 'softmax', 'SIGMOID', '']),
    ...each(train, '--output', ['tanh', 'relu', 'Sigmoid', '']),
    ...each(train, '--cost', ['hinge', 'Quadratic', '']),
    ...each(train, '--eta', ['-1', '0', '-0', ...notNumbers, 'Infinity', '1e400', '0x10', '1/2']),
    ...each(train, '--lambda', ['-0.1', ...notNumbers, 'Infinity']),
    ...each(train, '--momentum', ['1', '1.5', '-0.1', ...notNumbers]),
    ...each(train, '--epochs', ['0', '-1', '2.5', ...notNumbers, '1e20']),
    ...each(train, '--batch', ['0', '-10', '2.5', 'abc', '8000']), // 8000 > 7996 samples
    bad(train, '--batch', '10', '--train', '5'),
    ...each(train, '--seed', ['-1', '1.5', ...notNumbers, '1e300']),
    ...each(train, '--init', ['gaussian', ...files, f.notJson, f.ckpt, f.m100]),
    ...each(train, '--data', [f.missingDir, f.notJson, f.emptyData, '']),
    ...each(train, '--train', ['0', '-1', '1.5', ...notNumbers, '100000']),
    ...each(train, '--test', ['0', '-1', ...notNumbers, '99999']),
    ...each(train, '--out', [f.folder, '', f.underFile]),
    ...each(train, '--checkpoint', [f.folder, '', f.underFile]),
    ...each(train, '--resume', [...files, f.notJson, f.good]),
    ...each(train, '--threads', ['0', '-1', '1.5', '9', 'two', 'AUTO', '']),
    row(
      [...train, '--output', 'softmax', '--cost', 'quadratic'],
      '--output softmax',
      '--cost log-likelihood',
    ),
    ...each(train, '--precision', ['f16', 'F32', 'float32', '']),
    ...each(train, '--preset', ['ch2', 'CH1', '']),
    ...each(train, '--validation', ['0', '-1', '1.5', ...notNumbers, '7996']), // 7996: no training samples left
    row([...train, '--validation', '7990'], '--batch', "'10'", 'the 6 training samples'),
    ...each(train, '--early-stop', ['0', '-1', '2.5', ...notNumbers]),
    ...each(train, '--eta-schedule', ['0', '-1', '2.5', ...notNumbers]),
    ...each(train, '--history', [f.folder, '', f.underFile]),
    row([...train, '--preset', 'ch3', '--resume', f.ckpt], '--preset', '--resume'),
    row([...train, '--cost', 'log-likelihood', '--output', 'sigmoid'], '--cost log-likelihood'),
    row([...train, '--resume', f.ckpt, '--epochs', '1'], '--epochs', "'1'", 'at least 2'),
    row([...train, '--resume', f.ckpt, '--eta', '0.1'], '--eta cannot change when resuming'),
    row([...train, '--resume', f.ckpt, '--sizes', '784,30,10'], '--sizes cannot change'),
    noValue(train, '--eta'),
    noValue(train, '--sizes'),
    noValue(train, '--out'),
    noValue(train, '--resume'),
    noValue(train, '--threads'),
    row([...train, '--frobnicate'], "unknown option '--frobnicate'"),
    row([...train, '--epoch', '3'], "unknown option '--epoch'", '--epochs'),
    row([...train, '--json=yes'], "unknown option '--json=yes'"),
    // mlisp eval MODEL
    row(['eval', f.missing], 'MODEL', `'${f.missing}' does not exist`),
    row(['eval', f.folder], 'MODEL', `'${f.folder}' is a folder`),
    row(['eval', f.notJson], 'MODEL', `'${f.notJson}' is not a JSON model file`),
    row(['eval', f.m100], 'MODEL', `'${f.m100}' has sizes [100,10,10]`),
    row(['eval', ''], 'MODEL', "''"),
    row(['eval'], "missing required argument 'MODEL'"),
    ...each(evalCmd, '--data', [f.missingDir, f.notJson, f.emptyData]),
    ...each(evalCmd, '--test', ['0', '-1', ...notNumbers, '99999']),
    row([...evalCmd, '--epochs', '2'], "unknown option '--epochs'"),
    // mlisp predict MODEL
    row(['predict', f.missing, ...idx], 'MODEL', `'${f.missing}' does not exist`),
    row(['predict', f.folder, ...idx], 'MODEL', `'${f.folder}' is a folder`),
    row(['predict', f.notJson, ...idx], 'MODEL', `'${f.notJson}' is not a JSON model file`),
    row(['predict', f.m100, ...idx], 'MODEL', `'${f.m100}' has sizes [100,10,10]`),
    ...each(predict, '--index', ['-1', '1.5', ...notNumbers, '2004']), // 2004 test digits: 0..2003
    ...each(predict, '--data', [f.missingDir, f.notJson, f.emptyData], ...idx),
    ...each(predict, '--image', [
      ...files,
      f.notJson,
      f.brokenPng,
      f.emptyPng,
      f.forgedPng, // the header claims 900 million pixels
    ]),
    row([...predict], '--index', '--image'),
    row([...predict, ...idx, '--image', f.brokenPng], '--index', '--image'),
    row([...predict, '--image', f.brokenPng, '--data', 'bundled'], '--data', '--image'),
    noValue(predict, '--index'),
    // mlisp export MODEL
    row(['export', f.missing, '--format', 'tfjs', '--out', f.folder], 'MODEL', f.missing),
    row(['export', f.folder, '--format', 'tfjs', '--out', f.folder], 'MODEL', f.folder),
    row(['export', f.notJson, '--format', 'tfjs', '--out', f.folder], 'MODEL', f.notJson),
    ...each(exportCmd, '--format', ['keras', 'ONNX', 'TFJS', ''], '--out', join(dir, 'out')),
    bad([...exportCmd, '--format', 'onnx'], '--out', f.folder),
    bad([...exportCmd, '--format', 'network2'], '--out', f.folder),
    bad([...exportCmd, '--format', 'network2'], '--out', f.underFile),
    bad([...exportCmd, '--format', 'network2'], '--out', ''),
    bad([...exportCmd, '--format', 'tfjs'], '--out', f.notJson),
    bad([...exportCmd, '--format', 'tfjs'], '--out', f.underFile),
    row([...exportCmd, '--out', f.folder], "required option '--format <name>' not specified"),
    row([...exportCmd, '--format', 'tfjs'], "required option '--out <path>' not specified"),
    // mlisp data export
    ...each(dataExport, '--out', [f.notJson, '', f.underFile]),
    row(dataExport, "required option '--out <dir>' not specified"),
    row([...dataExport, '--out', f.folder, '--gzip=yes'], "unknown option '--gzip=yes'"),
    // mlisp experiment
    ...each(experiment, '--seed', ['-1', '1.5', ...notNumbers, '1e300']),
    ...each(['experiment', 'all'], '--seed', ['-5']),
    row(['experiment', 'no-such-experiment'], "unknown experiment 'no-such-experiment'"),
    row(['experiment', ''], "unknown experiment ''"),
    row(['experiment'], "missing required argument 'list|ID|N|all'"),
    row([...experiment, '--quick=1'], "unknown option '--quick=1'"),
  ];
}

beforeAll(async () => {
  writeFileSync(f.good, JSON.stringify(randomModel([784, 10, 10], ['sigmoid', 'sigmoid'])));
  writeFileSync(f.m100, JSON.stringify(randomModel([100, 10, 10], ['sigmoid', 'sigmoid'])));
  writeFileSync(f.notJson, 'hello\n');
  mkdirSync(f.folder);
  mkdirSync(f.emptyData);
  writeFileSync(f.brokenPng, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2]));
  writeFileSync(f.emptyPng, '');
  writeFileSync(f.forgedPng, forgedPng(30000, 30000));
  const made = await spawnCli([
    ...['train', '--train', '50', '--test', '10', '--sizes', '784,10,10', '--epochs', '2'],
    ...['--checkpoint', f.ckpt, '--json'],
  ]);
  expect(made.code, made.stderr).toBe(0);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('every bad flag value exits 2 and names the flag', () => {
  it('one row per flag and bad value, for train, eval, predict, export, data export and experiment', async () => {
    const rows = table();
    const results = await pool(
      rows.map((r) => () => spawnCli(r.args, { timeoutMs: 90_000 })),
      4,
    );
    const failures: string[] = [];
    rows.forEach((r, i) => {
      const e = results[i] as Awaited<ReturnType<typeof spawnCli>>;
      const problems: string[] = [];
      if (e.timedOut) problems.push('did not exit within 90 s (did it start training?)');
      if (e.code !== 2) problems.push(`exit ${e.code ?? e.signal}, expected 2`);
      if (e.stdout !== '') problems.push(`stdout is not empty: ${e.stdout.slice(0, 200)}`);
      for (const needle of r.needles) {
        if (!e.stderr.includes(needle)) problems.push(`stderr lacks ${JSON.stringify(needle)}`);
      }
      if (/\n\s+at .+:\d+:\d+/.test(e.stderr) || e.stderr.includes('internal error')) {
        problems.push('stderr has a stack trace or an internal error');
      }
      if (problems.length > 0) {
        failures.push(`mlisp ${JSON.stringify(r.args)}: ${problems.join('; ')}\n  ${e.stderr}`);
      }
    });
    console.info(`bad flags: ${rows.length} rows`);
    expect(rows.length).toBeGreaterThanOrEqual(150);
    expect(failures).toEqual([]);
  });
});
