import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, run } from './cli-runner.js';

const dir = mkdtempSync(join(tmpdir(), 'mlisp-usage-'));
const notJson = join(dir, 'not-a-model.json');
writeFileSync(notJson, 'hello');
const missing = join(dir, 'missing.json');

beforeAll(() => assertBuilt());

describe('usage errors exit with 2 and name the flag or file', () => {
  // [arguments, text the message must contain]
  const cases: [string[], string][] = [
    [['train', '--frobnicate'], "unknown option '--frobnicate'"],
    [['train', '--eta', '-1'], '--eta'],
    [['train', '--eta', '0'], "--eta: '0'"],
    [['train', '--eta', 'abc'], "--eta: 'abc'"],
    [['train', '--eta', 'NaN'], "--eta: 'NaN'"],
    [['train', '--eta'], '--eta'],
    [['train', '--lambda', '-0.1'], "--lambda: '-0.1'"],
    [['train', '--momentum', '1.5'], "--momentum: '1.5'"],
    [['train', '--epochs', '0'], "--epochs: '0'"],
    [['train', '--epochs', '2.5'], "--epochs: '2.5'"],
    [['train', '--batch', '-10'], '--batch'],
    [['train', '--seed', '-1'], '--seed'],
    [['train', '--sizes', '784'], "--sizes: '784'"],
    [['train', '--sizes', '784,30,9'], 'last layer must have 10'],
    [['train', '--sizes', '100,30,10'], 'first layer must have 784'],
    [['train', '--activation', 'swish'], "--activation: 'swish'"],
    [['train', '--activation', 'step'], 'problem 10'],
    [['train', '--output', 'tanh'], "--output: 'tanh'"],
    [
      ['train', '--cost', 'hinge'],
      "--cost: 'hinge' (expected one of quadratic, cross-entropy, log-likelihood)",
    ],
    [
      ['train', '--output', 'softmax', '--cost', 'quadratic'],
      '--output softmax needs --cost log-likelihood',
    ],
    [['train', '--init', 'gaussian'], "--init: 'gaussian'"],
    [['train', '--init', missing], `--init: file '${missing}' does not exist`],
    [['train', '--data', missing], `--data: folder '${missing}' does not exist`],
    [['train', '--data', dir], 'has no train-images-idx3-ubyte'],
    [['train', '--train', '100000'], "--train: '100000' (the training set has 7996 samples)"],
    [['train', '--test', '0'], "--test: '0'"],
    [
      ['train', '--train', '5', '--batch', '10'],
      "--batch: '10' (larger than the 5 training samples)",
    ],
    [['train', '--out', dir], `--out: '${dir}' is a folder`],
    [['train', '--resume', notJson], 'is not an mlisp checkpoint file'],
    [['eval', missing], `MODEL: file '${missing}' does not exist`],
    [['eval', dir], `MODEL: '${dir}' is a folder`],
    [['eval', notJson], 'is not a JSON model file'],
    [['eval'], "missing required argument 'MODEL'"],
    [['predict', notJson], 'exactly one of --index N or --image'],
    [['predict', missing, '--index', '0'], 'MODEL'],
    [['predict', notJson, '--index', '-1'], '--index'],
    [['predict', notJson, '--image', missing], `--image: file '${missing}' does not exist`],
    [
      ['export', notJson, '--format', 'keras', '--out', dir],
      "--format: 'keras' (expected one of onnx, tfjs, network2)",
    ],
    [['export', notJson, '--out', dir], "required option '--format <name>' not specified"],
    [['data', 'export'], "required option '--out <dir>' not specified"],
    [['data', 'export', '--out', notJson], `--out: '${notJson}' is a file`],
    [['experiment', 'no-such-experiment'], "unknown experiment 'no-such-experiment'"],
    [['experiment', 'list', '--seed', '-2'], "--seed: '-2'"],
    [['frobnicate'], "unknown command 'frobnicate'"],
    [[], 'Usage: mlisp'],
  ];

  it.concurrent.each(cases)('mlisp %j', async (args, message) => {
    const result = await run(args);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe('');
  });
});

describe('help', () => {
  const commands = [
    [],
    ['train'],
    ['eval'],
    ['predict'],
    ['export'],
    ['data'],
    ['data', 'export'],
    ['experiment'],
  ];
  it.each(commands)('mlisp %s --help shows usage and an example, exit 0', async (...command) => {
    const result = await run([...command, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: mlisp');
    expect(result.stdout).toMatch(/Examples?:\n\s+\$ mlisp/);
  });

  it('--version prints the version', async () => {
    const result = await run(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\d+\.\d+\.\d+/);
  });
});
