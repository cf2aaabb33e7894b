import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_THREADS as TRAINER_MAX_THREADS } from '@mlisp/trainer';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/errors.js';
import { MAX_THREADS, readFlags } from '../src/flags.js';
import * as P from '../src/parsers.js';

describe('number parsers', () => {
  it('accept good values', () => {
    expect(P.positiveInt('30', '--epochs')).toBe(30);
    expect(P.nonNegativeInt('0', '--seed')).toBe(0);
    expect(P.positiveNumber('0.5', '--eta')).toBe(0.5);
    expect(P.positiveNumber('1e-3', '--eta')).toBe(0.001);
    expect(P.nonNegativeNumber('0', '--lambda')).toBe(0);
    expect(P.momentum('0.9', '--momentum')).toBe(0.9);
    expect(P.sizes('784, 30,10', '--sizes')).toEqual([784, 30, 10]);
  });

  const bad: [string, P.Parser<unknown>, string][] = [
    ['positiveInt', P.positiveInt, '0'],
    ['positiveInt', P.positiveInt, '-3'],
    ['positiveInt', P.positiveInt, '2.5'],
    ['positiveInt', P.positiveInt, 'abc'],
    ['positiveInt', P.positiveInt, ''],
    ['positiveInt', P.positiveInt, '0x10'],
    ['nonNegativeInt', P.nonNegativeInt, '-1'],
    ['positiveNumber', P.positiveNumber, '0'],
    ['positiveNumber', P.positiveNumber, 'NaN'],
    ['positiveNumber', P.positiveNumber, 'Infinity'],
    ['positiveNumber', P.positiveNumber, '-0.5'],
    ['nonNegativeNumber', P.nonNegativeNumber, '-1'],
    ['momentum', P.momentum, '1'],
    ['sizes', P.sizes, '784'],
    ['sizes', P.sizes, '784,0,10'],
    ['sizes', P.sizes, '784,,10'],
    ['sizes', P.sizes, '784,x,10'],
  ];
  it.each(bad)('%s refuses %j naming the flag and the value', (_, parse, raw) => {
    expect(() => parse(raw, '--flag')).toThrow(UsageError);
    expect(() => parse(raw, '--flag')).toThrow(`--flag: '${raw}'`);
  });
});

describe('threads parser', () => {
  const threads = P.threads(MAX_THREADS);

  it("accepts auto and whole numbers from 1 to MAX_THREADS, which is the trainer's", () => {
    expect(MAX_THREADS).toBe(TRAINER_MAX_THREADS);
    expect(threads('auto', '--threads')).toBe('auto');
    expect(threads('1', '--threads')).toBe(1);
    expect(threads(String(MAX_THREADS), '--threads')).toBe(MAX_THREADS);
  });

  it.each(['0', '-1', '1.5', String(MAX_THREADS + 1), 'AUTO', 'two', '', '0x2', 'NaN'])(
    'refuses %j naming the flag, the value and what is expected',
    (raw) => {
      expect(() => threads(raw, '--threads')).toThrow(
        new UsageError(
          `invalid value for --threads: '${raw}' (expected auto or a whole number from 1 to ${MAX_THREADS})`,
        ),
      );
    },
  );
});

describe('file parsers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlisp-parsers-'));
  const file = join(dir, 'a.json');
  writeFileSync(file, '{}');

  it('existingFile wants a file that exists', () => {
    expect(P.existingFile(file, 'MODEL')).toBe(file);
    expect(() => P.existingFile(join(dir, 'nope.json'), 'MODEL')).toThrow(
      /MODEL: file .* does not exist/,
    );
    expect(() => P.existingFile(dir, 'MODEL')).toThrow(/is a folder, expected a file/);
  });

  it('existingDir wants a folder', () => {
    expect(P.existingDir(dir, '--data')).toBe(dir);
    expect(() => P.existingDir(file, '--data')).toThrow(/is a file, expected a folder/);
    expect(() => P.existingDir(join(dir, 'nope'), '--data')).toThrow(/does not exist/);
  });

  it('outFile refuses a folder, outDir refuses a file', () => {
    expect(() => P.outFile(dir, '--out')).toThrow(/--out: .* is a folder/);
    expect(() => P.outDir(file, '--out')).toThrow(/--out: .* is a file/);
    expect(P.outFile(join(dir, 'new.json'), '--out')).toBe(join(dir, 'new.json'));
  });
});

describe('readFlags', () => {
  it('parses the given flags and leaves the others undefined', () => {
    const flags = readFlags({ eta: '0.1', cost: 'quadratic', init: 'he', data: 'bundled' }, [
      'eta',
      'cost',
      'epochs',
      'init',
      'data',
    ]);
    expect(flags).toEqual({
      eta: 0.1,
      cost: 'quadratic',
      init: { kind: 'named', name: 'he' },
      data: { kind: 'bundled' },
    });
  });

  it('names the allowed values of unknown names', () => {
    expect(() => readFlags({ cost: 'hinge' }, ['cost'])).toThrow(
      "invalid value for --cost: 'hinge' (expected one of quadratic, cross-entropy, log-likelihood)",
    );
    expect(() => readFlags({ activation: 'step' }, ['activation'])).toThrow(/problem 10/);
    expect(() => readFlags({ init: 'gauss' }, ['init'])).toThrow(/--init: 'gauss'.*normal, scaled/);
    expect(() => readFlags({ init: './missing.json' }, ['init'])).toThrow(/--init: file/);
  });
});
