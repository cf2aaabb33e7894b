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
      '[784,30,10] sigmoid hidden, sigmoid output, cross-entropy cost, η 0.5, λ 5, mini-batch 10, 30 epochs, scaled init, seed 1',
    );
  });

  it('takes softmax outputs with the log-likelihood cost, and refuses mismatches', () => {
    expect(resolveSettings({ cost: 'log-likelihood' }, null).output).toBe('softmax');
    expect(() => resolveSettings({ output: 'softmax' }, null)).toThrow(
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
  });
});
