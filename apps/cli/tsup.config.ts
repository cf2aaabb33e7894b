import { defineConfig } from 'tsup';

export default defineConfig({
  // The training loop runs in a worker thread (dist/train-worker.js) so that
  // the main thread can draw progress and receive Ctrl-C.
  entry: { cli: 'src/cli.ts', 'train-worker': 'src/train-worker.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  clean: true,
  sourcemap: true,
  dts: false,
  banner: { js: '#!/usr/bin/env node' },
});
