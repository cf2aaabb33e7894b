import * as binaries from './generated/wasm-kernels.js';

/** The WebAssembly builds of the kernels: plain SIMD or relaxed SIMD. */
export type WasmLevel = 'simd' | 'relaxed';

// (func (param v128 v128) (result v128) local.get 0 local.get 1 f32x4.add)
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 7, 1, 96, 2, 123, 123, 1, 123, 3, 2, 1, 0, 10, 11, 1, 9, 0, 32, 0,
  32, 1, 253, 228, 1, 11,
]);
// (func (param v128) (result v128) local.get 0 local.get 0 local.get 0 f32x4.relaxed_madd)
const RELAXED_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 6, 1, 96, 1, 123, 1, 123, 3, 2, 1, 0, 10, 13, 1, 11, 0, 32, 0, 32,
  0, 32, 0, 253, 133, 2, 11,
]);

let simdSupport: boolean | undefined;
let relaxedSupport: boolean | undefined;
let sharedSupport: boolean | undefined;
function validates(bytes: BufferSource): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(bytes);
  } catch {
    return false;
  }
}

/** True when the runtime runs WebAssembly SIMD (f32x4, f64x2). */
export function hasWasmSimd(): boolean {
  simdSupport ??= validates(SIMD_PROBE);
  return simdSupport;
}

/** True when the runtime runs relaxed SIMD (Node 20 needs --experimental-wasm-relaxed-simd). */
export function hasWasmRelaxedSimd(): boolean {
  relaxedSupport ??= hasWasmSimd() && validates(RELAXED_PROBE);
  return relaxedSupport;
}

/** True when a shared WebAssembly memory can be made (pages need cross-origin isolation). */
export function hasSharedWasmMemory(): boolean {
  if (sharedSupport === undefined) {
    try {
      const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
      sharedSupport =
        typeof SharedArrayBuffer === 'function' && memory.buffer instanceof SharedArrayBuffer;
    } catch {
      sharedSupport = false;
    }
  }
  return sharedSupport;
}

/** Most 64 KiB pages a shared kernel memory may have. */
export const MAX_SHARED_PAGES = binaries.WASM_MAX_PAGES;

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}
function moduleBytes(level: WasmLevel, shared: boolean): Uint8Array<ArrayBuffer> {
  if (level === 'simd') return decodeBase64(shared ? binaries.simdShared : binaries.simd);
  return decodeBase64(shared ? binaries.relaxedShared : binaries.relaxed);
}

const compiled = new Map<string, WebAssembly.Module>();
/** The compiled kernel module (cached), compiled synchronously. */
export function kernelModuleSync(level: WasmLevel, shared: boolean): WebAssembly.Module {
  const key = `${level}:${shared}`;
  const module = compiled.get(key) ?? new WebAssembly.Module(moduleBytes(level, shared));
  compiled.set(key, module);
  return module;
}

/** The compiled kernel module (cached), compiled off the main thread where the runtime can. */
export async function kernelModule(level: WasmLevel, shared: boolean): Promise<WebAssembly.Module> {
  const key = `${level}:${shared}`;
  const module = compiled.get(key) ?? (await WebAssembly.compile(moduleBytes(level, shared)));
  compiled.set(key, module);
  return module;
}

/** One epoch's mini-batches as thread `thread` of the plan (see assembly/index.ts: epoch). */
type EpochKernel = (
  plan: number,
  thread: number,
  count: number,
  batchSize: number,
  eta: number,
  decay: number,
  wd: number,
  mu: number,
) => void;
/** Outputs of `count` rows from `inputs`, as thread `thread` (assembly/index.ts: forwardSet). */
type ForwardKernel = (
  plan: number,
  thread: number,
  inputs: number,
  count: number,
  batchSize: number,
  out: number,
) => void;
/** (src, count, dst): see assembly/pixels.ts. */
type PixelKernel = (src: number, count: number, dst: number) => number;

/** The functions a kernel instance exports. */
export interface KernelExports {
  epoch32: EpochKernel;
  epoch64: EpochKernel;
  forwardSet32: ForwardKernel;
  forwardSet64: ForwardKernel;
  /** `count` values k/255 at `src` to bytes k at `dst`: 1 if all were such (assembly/pixels.ts). */
  pixelBytes32: PixelKernel;
  pixelBytes64: PixelKernel;
  /** 1 when every weight and bias is finite, else 0. */
  allFinite32(plan: number): number;
  allFinite64(plan: number): number;
  heapBase(): number;
}

/** An instance of the kernel module on `memory`. */
export function instantiateKernels(
  module: WebAssembly.Module,
  memory: WebAssembly.Memory,
): KernelExports {
  const instance = new WebAssembly.Instance(module, {
    env: { memory, abort: () => {}, now: () => performance.now() },
  });
  return instance.exports as unknown as KernelExports;
}

/** Whether this thread may block in Atomics.wait: in Node and workers, not a page's main thread. */
export function callerCanWait(): boolean {
  const g = globalThis as {
    process?: { versions?: { node?: string } };
    WorkerGlobalScope?: unknown;
  };
  return typeof g.process?.versions?.node === 'string' || g.WorkerGlobalScope !== undefined;
}
