// Inverted dropout's masks, the same in the matrix loop and the engine (assembly/dropout.ts uses
// the same operations): whether hidden neuron j of layer l is kept for the sample at `position` of
// the epoch's order is a hash of the epoch's key (from the run's seeded Rng), the position, l and
// j, so masks depend neither on the computing thread nor on where a run stopped and resumed.
/** murmur3's 32-bit finaliser. */
function mix(h: number): number {
  let x = h >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Dropout probability p's 24-bit threshold: a neuron drops if its hash's top 24 bits are below. */
export function dropThreshold(p: number): number {
  return Math.round(p * 2 ** 24);
}

/**
 * True when hidden neuron `neuron` of layer `layer` (1 = first hidden layer) is kept for the sample
 * at `position` of the epoch's order.
 * @param key - the epoch's key (a 32-bit integer)
 * @param threshold - {@link dropThreshold} of the dropout probability
 */
export function keeps(
  key: number,
  position: number,
  layer: number,
  neuron: number,
  threshold: number,
): boolean {
  return mix(mix(mix(key ^ position) ^ layer) ^ neuron) >>> 8 >= threshold;
}

/** One mini-batch's masks: the epoch's key, p's threshold and scale, the batch's first position. */
export interface DropoutMasks {
  key: number;
  threshold: number;
  /** 1/(1 − p). */
  scale: number;
  /** Position in the epoch's order of the batch's first sample. */
  position: number;
}

/**
 * Masks a batch (one sample per row) for `layer`: a ← mask·s·a, d ← mask·s·d (d = f'(z), for BP2).
 * @param a - rows x n activations (written)
 * @param d - rows x n derivatives f'(z) (written)
 * @param layer - the layer (1 = first hidden layer)
 * @param masks - the batch's masks
 */
export function applyDropout(
  a: { rows: number; cols: number; data: Float32Array | Float64Array },
  d: { data: Float32Array | Float64Array },
  layer: number,
  masks: DropoutMasks,
): void {
  const { key, threshold, scale, position } = masks;
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) {
      const at = i * a.cols + j;
      if (keeps(key, position + i, layer, j, threshold)) {
        d.data[at] = (d.data[at] as number) * scale;
        a.data[at] = (a.data[at] as number) * scale;
      } else {
        d.data[at] = 0;
        a.data[at] = 0;
      }
    }
  }
}
