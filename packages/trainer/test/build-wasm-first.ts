// Imported first by the fast engine's tests. The WebAssembly kernels are a
// generated module (src/fast/generated/, gitignored, written by `pnpm build`
// through scripts/build-wasm.mjs); in a fresh clone, or after the
// AssemblyScript sources changed, this builds it before the engine is
// imported (vitest evaluates a test file's imports in order). It also turns on
// relaxed SIMD on Node 20, where it is behind a flag, so the tests run every
// path the package has.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';

const script = fileURLToPath(new URL('../scripts/build-wasm.mjs', import.meta.url));
// Quick when the generated module is up to date (it compares a hash of the sources).
execFileSync(process.execPath, [script], { stdio: 'inherit' });
setFlagsFromString('--experimental-wasm-relaxed-simd');
