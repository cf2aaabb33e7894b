import { defineProject } from 'vitest/config';
import { workspaceAlias } from '../../vitest.shared.js';

export default defineProject({
  resolve: { alias: workspaceAlias },
  test: {
    name: 'mnist',
    include: ['src/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Generates dist/digits.bin from the `mnist` package when it is missing.
    globalSetup: ['./scripts/vitest-setup.mjs'],
  },
});
