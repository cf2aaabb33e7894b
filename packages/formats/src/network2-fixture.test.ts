// A model saved by network2.py's own save() (fixtures/make_network2_fixture.py
// runs the book's code) is read and scores the bundled test digits exactly as
// numpy did.
import { readFileSync } from 'node:fs';
import { loadBundledSync } from '@mlisp/mnist/node';
import { confusionMatrix, predict } from '@mlisp/neurons';
import { describe, expect, it } from 'vitest';
import { parseModelFile } from './model-file.js';

const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url);

describe('network2.py fixture', () => {
  it('is read as network2 JSON and predicts every test digit as numpy did', () => {
    const model = parseModelFile(readFileSync(fixture('network2-mnist.json'), 'utf8'));
    const numpy = JSON.parse(readFileSync(fixture('network2-mnist.predictions.json'), 'utf8'));
    expect(model.kind).toBe('network2');
    expect(model.cost).toBe('cross-entropy');
    expect(model.network.sizes).toEqual([784, 30, 10]);
    const { test } = loadBundledSync();
    const predicted = predict(model.network, test.images);
    expect(predicted).toEqual(numpy.predictions);
    const confusion = confusionMatrix(predicted, test.labels, 10);
    const correct = confusion.reduce((s, row, i) => s + (row[i] as number), 0);
    expect(correct).toBe(numpy.correct);
    expect(numpy.total).toBe(test.size);
  });
});
