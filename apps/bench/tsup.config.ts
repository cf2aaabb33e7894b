import { defineConfig } from 'tsup';

// The benchmarks measure the packages as users get them: @mlisp/tensor's built
// dist and the published @tensorflow/tfjs, so neither is bundled in.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  clean: true,
  target: 'es2022',
  platform: 'node',
  skipNodeModulesBundle: true,
});
