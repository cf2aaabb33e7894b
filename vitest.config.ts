import { defineConfig } from 'vitest/config';

// One vitest run over every workspace package; each project keeps its own settings.
export default defineConfig({
  test: {
    projects: [
      'packages/*',
      'apps/*',
      { test: { name: 'readme-examples', include: ['scripts/readme-examples.test.ts'] } },
    ],
  },
});
