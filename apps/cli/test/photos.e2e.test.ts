// Real-looking photos (test/photos, made by test/photos/make-photos.mjs) are
// read as the digit they show by `mlisp predict --image`, with the network2.py
// fixture model; photos without a digit exit 1 with "no digit found".
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, ROOT, run } from './cli-runner.js';

const MODEL = join(ROOT, 'packages/formats/fixtures/network2-mnist.json');
const DIR = join(ROOT, 'apps/cli/test/photos');
const photos = JSON.parse(readFileSync(join(DIR, 'photos.json'), 'utf8')) as {
  file: string;
  digit: number | null;
  what: string;
}[];

beforeAll(() => assertBuilt());

describe('mlisp predict --image on photographed digits', () => {
  it('the set covers PNG and JPEG, digits and blanks', () => {
    expect(photos.filter((p) => p.file.endsWith('.jpg')).length).toBeGreaterThanOrEqual(3);
    expect(photos.filter((p) => p.digit === null).length).toBeGreaterThanOrEqual(2);
    expect(photos.filter((p) => p.digit !== null).length).toBeGreaterThanOrEqual(10);
  });

  const digits = photos
    .filter((p) => p.digit !== null)
    .map((p) => [p.file, p.digit, p.what] as const);
  it.each(digits)('%s is read as %i (%s)', async (file, digit) => {
    const result = await run(['predict', MODEL, '--image', join(DIR, file), '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).prediction).toBe(digit);
  });

  const blanks = photos.filter((p) => p.digit === null).map((p) => [p.file, p.what] as const);
  it.each(blanks)('%s (%s): exit 1, "no digit found"', async (file) => {
    const result = await run(['predict', MODEL, '--image', join(DIR, file)]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no digit found');
    expect(result.stdout).not.toContain('prediction');
  });

  it('a truncated JPEG is a usage error naming the file', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const bad = join(mkdtempSync(join(tmpdir(), 'mlisp-photo-')), 'cut.jpg');
    writeFileSync(bad, readFileSync(join(DIR, 'yellow-paper-6.jpg')).subarray(0, 600));
    const result = await run(['predict', MODEL, '--image', bad]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`'${bad}' is not a readable JPEG`);
  });
});
