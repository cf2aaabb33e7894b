import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/errors.js';
import {
  checkFit,
  DEFAULT_SETTINGS,
  describeSettings,
  resolveSettings,
} from '../src/train-settings.js';

describe('resolveSettings', () => {
  it('gives the README defaults with no flags', () => {
    const s = resolveSettings({}, null);
    expect(s).toEqual(DEFAULT_SETTINGS);
    expect(describeSettings(s)).toBe(
      '[784,30,10] sigmoid hidden, sigmoid output, cross-entropy cost, η 0.5, λ 5, mini-batch 10, 30 epochs, scaled init, seed 1, float32',
    );
    expect(
      describeSettings({ ...s, epochs: 1, precision: 'f64', validation: 1000, earlyStop: 1 }),
    ).toBe(
      '[784,30,10] sigmoid hidden, sigmoid output, cross-entropy cost, η 0.5, λ 5, mini-batch 10, 1 epoch, scaled init, seed 1, float64, 1000 validation samples, early stop after 1 epoch',
    );
  });

  it("--preset gives the book's chapter 1 and chapter 3 settings; other flags win", () => {
    expect(resolveSettings({ preset: 'ch1' }, null)).toMatchObject({
      sizes: [784, 30, 10],
      cost: 'quadratic',
      output: 'sigmoid',
      eta: 3,
      lambda: 0,
      init: { kind: 'named', name: 'normal' },
    });
    expect(resolveSettings({ preset: 'ch3', eta: 0.1 }, null)).toMatchObject({
      sizes: [784, 100, 10],
      cost: 'cross-entropy',
      eta: 0.1,
      lambda: 5,
    });
    expect(resolveSettings({ preset: 'ch1', cost: 'log-likelihood' }, null)).toMatchObject({
      cost: 'log-likelihood',
      output: 'softmax',
    });
    expect(() => resolveSettings({ preset: 'ch3' }, DEFAULT_SETTINGS)).toThrow(
      '--preset cannot be given with --resume',
    );
  });

  it('either of --output softmax and --cost log-likelihood alone brings the other; mismatches are refused', () => {
    expect(resolveSettings({ cost: 'log-likelihood' }, null).output).toBe('softmax');
    expect(resolveSettings({ output: 'softmax' }, null).cost).toBe('log-likelihood');
    expect(resolveSettings({ output: 'sigmoid' }, null).cost).toBe('cross-entropy');
    expect(resolveSettings({ cost: 'quadratic' }, null).output).toBe('sigmoid');
    expect(() => resolveSettings({ output: 'softmax', cost: 'quadratic' }, null)).toThrow(
      '--output softmax needs --cost log-likelihood',
    );
    expect(() => resolveSettings({ cost: 'log-likelihood', output: 'sigmoid' }, null)).toThrow(
      '--cost log-likelihood needs --output softmax',
    );
  });

  it('keeps the checkpoint settings when resuming; only some flags may change', () => {
    const saved = { ...DEFAULT_SETTINGS, eta: 0.1, epochs: 3 };
    const s = resolveSettings({ epochs: 5, train: 100 }, saved);
    expect(s).toEqual({ ...saved, epochs: 5, train: 100 });
    expect(resolveSettings({ eta: 0.1 }, saved).eta).toBe(0.1);
    expect(() => resolveSettings({ eta: 0.5 }, saved)).toThrow(/--eta cannot change when resuming/);
    expect(() => resolveSettings({ shuffle: false }, saved)).toThrow(/--no-shuffle cannot change/);
    expect(() => resolveSettings({ precision: 'f64' }, saved)).toThrow(/--precision cannot change/);
    expect(() => resolveSettings({ earlyStop: 3 }, saved)).toThrow(/--early-stop cannot change/);
    expect(resolveSettings({ monitorTest: true }, saved).monitorTest).toBe(true);
  });

  it('a checkpoint written before --precision existed resumes in float64, as it was trained', () => {
    const { precision: _p, validation: _v, ...old } = { ...DEFAULT_SETTINGS, epochs: 3 };
    const s = resolveSettings({ epochs: 5 }, old as typeof DEFAULT_SETTINGS);
    expect(s.precision).toBe('f64');
    expect(s.validation).toBeNull();
    expect(s.epochs).toBe(5);
  });
});

describe('checkFit', () => {
  it('wants 784 inputs, 10 outputs and a mini-batch no larger than the training set', () => {
    expect(() => checkFit(DEFAULT_SETTINGS, 100, 784, 10)).not.toThrow();
    expect(() => checkFit({ ...DEFAULT_SETTINGS, sizes: [784, 30, 4] }, 100, 784, 10)).toThrow(
      UsageError,
    );
    expect(() => checkFit({ ...DEFAULT_SETTINGS, sizes: [28, 10] }, 100, 784, 10)).toThrow(
      /first layer must have 784/,
    );
    expect(() => checkFit({ ...DEFAULT_SETTINGS, batch: 101 }, 100, 784, 10)).toThrow(
      /--batch: '101' \(larger than the 100 training samples\)/,
    );
    expect(() => checkFit({ ...DEFAULT_SETTINGS, validation: 100 }, 100, 784, 10)).toThrow(
      "invalid value for --validation: '100' (it must leave training samples: the training set has 100)",
    );
    expect(() => checkFit({ ...DEFAULT_SETTINGS, validation: 95 }, 100, 784, 10)).toThrow(
      "invalid value for --batch: '10' (larger than the 5 training samples)",
    );
  });
});
