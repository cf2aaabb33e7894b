import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/node.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  // digits.bin is generated into dist/ by scripts/generate-digits.mjs just before tsup runs.
  clean: ['!digits.bin'],
  // One shared chunk in both formats, so IdxFormatError is the same class in . and ./node.
  splitting: true,
  sourcemap: true,
  target: 'es2022',
  esbuildOptions(options, context) {
    // node.ts finds digits.bin from import.meta.url in ESM, and from __dirname when it is undefined.
    if (context.format === 'cjs')
      options.define = { ...options.define, 'import.meta.url': 'undefined' };
  },
});
