import { defineProject } from 'vitest/config';
import { workspaceAlias } from '../../vitest.shared.js';

// Browser tests: they serve the production build (dist/) and drive Debian's
// Chromium through playwright-core. The alias lets a test build model files
// with @mlisp/neurons' own serializer.
export default defineProject({
  resolve: { alias: workspaceAlias },
  test: {
    name: 'visualizer',
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 180_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
