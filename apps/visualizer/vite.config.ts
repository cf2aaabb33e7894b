import { defineConfig } from 'vite';

// The app resolves @mlisp/* through the packages' public exports (their built
// dist), exactly as an outside user would; `pnpm build` at the root builds the
// packages first (turbo `^build`).
export default defineConfig({
  base: './',
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 600,
  },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
