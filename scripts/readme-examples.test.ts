// Runs the example of every package README (and of every docs/packages guide)
// against the built packages and compares what it prints with the README's
// expected output. See scripts/readme-examples.mjs for the convention.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleFiles, extractExamples, normalize, ROOT, runExample } from './readme-examples.mjs';

const files = exampleFiles();

describe('README examples', () => {
  it('extracts the example after an "Example" heading and the expected output after it', () => {
    const md = [
      '# @mlisp/x',
      '```js',
      "console.log('not an example');",
      '```',
      '## Example',
      '```ts',
      'const typesOnly = 1;',
      '```',
      '```js',
      "console.log('hi');",
      '```',
      'Expected output:',
      '```text',
      'hi   ',
      '',
      '```',
      '## API at a glance',
    ].join('\n');
    const [example, ...rest] = extractExamples(md);
    expect(rest).toEqual([]);
    expect(example?.lang).toBe('js');
    expect(example?.code).toBe("console.log('hi');\n");
    expect(normalize(example?.expected ?? '')).toBe('hi');
    expect(extractExamples('## Example\n```js\nx\n```\n')[0]?.expected).toBeUndefined();
  });

  for (const { file, cwd, packageDir, name, optional } of files) {
    const examples = extractExamples(readFileSync(file, 'utf8'));
    if (examples.length === 0) {
      if (optional) continue;
      it(`${name} has an example`, () => {
        expect.fail(
          `${name} has no heading containing "Example" followed by a \`\`\`js, \`\`\`mjs or \`\`\`sh block (see CONTRIBUTING.md, "README examples")`,
        );
      });
      continue;
    }
    for (const example of examples) {
      it(`${name}:${example.line} ${example.heading}`, { timeout: 300_000 }, () => {
        expect(
          example.expected,
          `${name}:${example.line}: the example needs a \`\`\`text block with its expected output after it`,
        ).toBeDefined();
        const dist = join(packageDir, 'dist');
        expect(existsSync(dist), `${dist} is missing: build first (pnpm build)`).toBe(true);
        const run = runExample(example, cwd, ROOT);
        expect(run.error, String(run.error)).toBeUndefined();
        expect(
          run.status,
          `the example exited with ${run.status ?? run.signal}:\n${run.stderr}`,
        ).toBe(0);
        expect(normalize(run.stdout)).toBe(normalize(example.expected ?? ''));
      });
    }
  }
});
