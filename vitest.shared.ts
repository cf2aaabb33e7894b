import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * Tests import workspace packages by their public names; this maps each name
 * (and its `./node` subpath) to the package's source entry, so tests run
 * without a build and always see the current source.
 */
export const workspaceAlias: { find: RegExp; replacement: string }[] = [
  { find: /^@mlisp\/([a-z-]+)\/node$/, replacement: `${root}packages/$1/src/node.ts` },
  { find: /^@mlisp\/([a-z-]+)$/, replacement: `${root}packages/$1/src/index.ts` },
];
