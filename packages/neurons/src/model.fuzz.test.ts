// Fuzzing the model loader: random JSON, random JavaScript values and mutated
// valid models (wrong shapes, NaN and Infinity, strings for numbers, huge
// arrays, `__proto__` / `constructor` keys, damaged JSON text). parseModel must
// either return the network the file describes or throw a ModelFormatError
// whose message names the offending field — nothing else, and never hang.
// An independent validator written here (naive, from the format's description)
// decides which of the two is right for every mutated model.
import {
  ACTIVATION_NAMES,
  createNetwork,
  MODEL_COST_NAMES,
  ModelFormatError,
  type ModelJson,
  parseModel,
  serializeModel,
} from '@mlisp/neurons';
import { Rng } from '@mlisp/tensor';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';

/** Fuzz cases run per property (reported by the summary test at the end). */
const RUNS = { json: 400, anything: 400, mutated: 1500, text: 600, skeleton: 600 };
let casesRun = 0;

const FIELDS = ['format', 'version', 'sizes', 'activations', 'cost', 'weights', 'biases', 'meta'];
const FORBIDDEN = ['__proto__', 'constructor', 'prototype'];

/** Runs `parseModel`; returns the model, or the ModelFormatError after checking its message. */
function attempt(input: unknown): ReturnType<typeof parseModel> | ModelFormatError {
  casesRun++;
  try {
    return parseModel(input);
  } catch (e) {
    if (!(e instanceof ModelFormatError)) {
      throw new Error(`parseModel threw ${String(e)} instead of a ModelFormatError`, { cause: e });
    }
    // A clear message: it starts with the offending field (or "model file:") and says more.
    expect(e.name).toBe('ModelFormatError');
    expect(typeof e.path).toBe('string');
    expect(e.message.startsWith(e.path === '' ? 'model file: ' : `${e.path} `)).toBe(true);
    expect(e.message.length).toBeGreaterThan(e.path.length + 8);
    expect(e.message.length).toBeLessThan(600);
    return e;
  }
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function cleanKeys(value: unknown, depth = 0): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (depth > 64) return false;
  if (Array.isArray(value)) return value.every((v) => cleanKeys(v, depth + 1));
  return Object.keys(value).every(
    (k) => !FORBIDDEN.includes(k) && cleanKeys((value as Record<string, unknown>)[k], depth + 1),
  );
}

const finiteRow = (row: unknown, n: number) =>
  Array.isArray(row) &&
  row.length === n &&
  row.every((v) => typeof v === 'number' && Number.isFinite(v));

/** The reference: is `m` a valid model file, by the format's description alone? */
function isValidModel(m: unknown): boolean {
  if (!isPlainObject(m) || !cleanKeys(m)) return false;
  if (Object.keys(m).some((k) => !FIELDS.includes(k))) return false;
  if (m.format !== 'mlisp-network' || m.version !== 1) return false;
  const sizes = m.sizes;
  if (!Array.isArray(sizes) || sizes.length < 2) return false;
  if (!sizes.every((n) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 1)) return false;
  const L = sizes.length - 1;
  const { activations, weights, biases } = m;
  if (!Array.isArray(activations) || activations.length !== L) return false;
  if (!activations.every((a) => (ACTIVATION_NAMES as readonly unknown[]).includes(a))) return false;
  if (!(MODEL_COST_NAMES as readonly unknown[]).includes(m.cost)) return false;
  if (!Array.isArray(weights) || weights.length !== L) return false;
  if (!Array.isArray(biases) || biases.length !== L) return false;
  for (let l = 0; l < L; l++) {
    const w = weights[l];
    if (!Array.isArray(w) || w.length !== sizes[l + 1]) return false;
    if (!w.every((row) => finiteRow(row, sizes[l]))) return false;
    if (!finiteRow(biases[l], sizes[l + 1])) return false;
  }
  return m.meta === undefined || isPlainObject(m.meta);
}

/** Checks that a parsed model holds exactly the weights and biases of `m`. */
function expectSameNetwork(parsed: ReturnType<typeof parseModel>, m: ModelJson): void {
  expect([...parsed.network.sizes]).toEqual(m.sizes);
  expect(parsed.cost).toBe(m.cost);
  parsed.network.layers.forEach((layer, l) => {
    expect(Array.from(layer.weights.data)).toEqual((m.weights[l] as number[][]).flat());
    expect(Array.from(layer.biases.data)).toEqual(m.biases[l]);
    expect(layer.activation.name).toBe(m.activations[l]);
  });
}

/** A small valid model: 2 to 4 layers of 1 to 5 neurons, random weights, some metadata. */
const validModel: fc.Arbitrary<ModelJson> = fc
  .record({
    sizes: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 2, maxLength: 4 }),
    seed: fc.nat(),
    cost: fc.constantFrom(...MODEL_COST_NAMES),
    acts: fc.array(fc.constantFrom(...ACTIVATION_NAMES), { minLength: 3, maxLength: 3 }),
    meta: fc.dictionary(
      fc.string({ maxLength: 6 }).filter((k) => !FORBIDDEN.includes(k)),
      fc.jsonValue({ maxDepth: 2 }),
      { maxKeys: 3 },
    ),
  })
  .map(({ sizes, seed, cost, acts, meta }) => {
    const rng = new Rng(seed);
    const net = createNetwork(sizes, { rng, init: 'normal' });
    const json = JSON.parse(serializeModel(net, { cost })) as ModelJson;
    json.activations = json.activations.map((_, l) => acts[l % acts.length] as never);
    // Keys like "__proto__" cannot come from fc.string filtered above; meta is clean JSON.
    json.meta = JSON.parse(JSON.stringify(meta)) as Record<string, unknown>;
    return json;
  });

type Path = (string | number)[];

/** Every position in a JSON tree (the root is []). */
function paths(value: unknown, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) paths(value[i], [...at, i], out);
  } else if (isPlainObject(value)) {
    for (const k of Object.keys(value)) paths(value[k], [...at, k], out);
  }
  return out;
}

function getAt(root: unknown, path: Path): unknown {
  let v = root;
  for (const k of path) v = (v as Record<string | number, unknown>)[k];
  return v;
}

/** A value to put somewhere it does not belong (or, sometimes, where it does). */
const junk = fc.oneof(
  fc.constantFrom(
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    null,
    true,
    '',
    '1',
    '0.5',
    'NaN',
    -1,
    0,
    1.5,
    2 ** 53,
    1e9,
    -0,
    {},
    [],
    'sigmoid',
    'mlisp-network',
  ),
  fc.double(),
  fc.integer({ min: -3, max: 8 }),
  fc.string({ maxLength: 8 }),
  fc.jsonValue({ maxDepth: 2 }),
);

type Mutation =
  | { kind: 'set'; value: unknown }
  | { kind: 'stringify' }
  | { kind: 'delete' }
  | { kind: 'push'; value: unknown }
  | { kind: 'pop' }
  | { kind: 'huge'; length: number; fill: unknown }
  | { kind: 'key'; key: string; value: unknown };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), value: junk }),
  fc.record({ kind: fc.constant('stringify' as const) }),
  fc.record({ kind: fc.constant('delete' as const) }),
  fc.record({ kind: fc.constant('push' as const), value: junk }),
  fc.record({ kind: fc.constant('pop' as const) }),
  fc.record({
    kind: fc.constant('huge' as const),
    length: fc.constantFrom(1_000, 10_000, 100_000),
    fill: fc.constantFrom(0, 0.5, null),
  }),
  fc.record({
    kind: fc.constant('key' as const),
    key: fc.constantFrom('__proto__', 'constructor', 'prototype', 'extra', 'toString'),
    value: fc.oneof(fc.constant({ polluted: true }), junk),
  }),
);

/** Applies `mut` at `path` of a deep copy of `model`; returns the copy. */
function mutate(model: ModelJson, path: Path, mut: Mutation): unknown {
  const root: { v: unknown } = { v: structuredClone(model) };
  const full: Path = ['v', ...path];
  const parent = getAt(root, full.slice(0, -1)) as Record<string | number, unknown>;
  const key = full[full.length - 1] as string | number;
  const target = parent[key];
  switch (mut.kind) {
    case 'set':
      parent[key] = mut.value;
      break;
    case 'stringify':
      parent[key] = typeof target === 'number' ? String(target) : JSON.stringify(target);
      break;
    case 'delete':
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
      break;
    case 'push':
      if (Array.isArray(target)) target.push(mut.value);
      else parent[key] = [target, mut.value];
      break;
    case 'pop':
      if (Array.isArray(target)) target.pop();
      else parent[key] = [];
      break;
    case 'huge':
      parent[key] = new Array(mut.length).fill(mut.fill);
      break;
    case 'key': {
      // An own property, as JSON.parse makes for "__proto__" (assignment would set the prototype).
      const host = isPlainObject(target) ? target : isPlainObject(parent) ? parent : null;
      if (host === null) parent[key] = JSON.parse(`{"${mut.key}": 1}`);
      else
        Object.defineProperty(host, mut.key, {
          value: mut.value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      break;
    }
  }
  return root.v;
}

const options = (seed: number, numRuns: number) => ({ seed, numRuns, endOnFailure: true });

describe('parseModel under fuzzing', () => {
  it('random JSON values and their text: a ModelFormatError, never another error', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        expect(attempt(value)).toBeInstanceOf(ModelFormatError);
        expect(attempt(JSON.stringify(value) ?? 'undefined')).toBeInstanceOf(ModelFormatError);
      }),
      options(20240601, RUNS.json),
    );
  });

  it('random JavaScript values (BigInt, Map, typed arrays, sparse arrays, boxed values, null prototypes) and random text', () => {
    fc.assert(
      fc.property(
        fc.anything({
          maxDepth: 3,
          withBigInt: true,
          withBoxedValues: true,
          withDate: true,
          withMap: true,
          withSet: true,
          withNullPrototype: true,
          withObjectString: true,
          withSparseArray: true,
          withTypedArray: true,
        }),
        fc.string({ maxLength: 40 }),
        (value, text) => {
          expect(attempt(value)).toBeInstanceOf(ModelFormatError);
          expect(attempt(text)).toBeInstanceOf(ModelFormatError);
        },
      ),
      options(7, RUNS.anything),
    );
  });

  it('a model skeleton with random field values is accepted exactly when it is valid', () => {
    const field = fc.oneof(junk, fc.constantFrom(...ACTIVATION_NAMES, ...MODEL_COST_NAMES));
    fc.assert(
      fc.property(
        fc.record(
          {
            format: fc.oneof(fc.constant('mlisp-network'), junk),
            version: fc.oneof(fc.constant(1), junk),
            sizes: fc.oneof(fc.array(fc.integer({ min: -1, max: 3 }), { maxLength: 4 }), junk),
            activations: fc.oneof(fc.array(field, { maxLength: 3 }), junk),
            cost: fc.oneof(fc.constantFrom(...MODEL_COST_NAMES), junk),
            weights: fc.oneof(fc.array(fc.array(fc.array(junk))), junk),
            biases: fc.oneof(fc.array(fc.array(junk)), junk),
            meta: fc.oneof(fc.dictionary(fc.string(), fc.jsonValue()), junk),
          },
          { requiredKeys: [] },
        ),
        (m) => {
          const result = attempt(m);
          expect(result instanceof ModelFormatError).toBe(!isValidModel(m));
        },
      ),
      options(99, RUNS.skeleton),
    );
  });

  it('mutated valid models: accepted with exactly their weights when still valid, else a ModelFormatError', () => {
    let rejected = 0;
    fc.assert(
      fc.property(validModel, fc.nat(), mutation, fc.boolean(), (model, at, mut, asText) => {
        const all = paths(model).filter((p) => p.length > 0);
        const path = all[at % all.length] as Path;
        const mutated = mutate(model, path, mut);
        // Through JSON text, NaN and ±Infinity become null: judge what the reader sees.
        const input = asText ? JSON.stringify(mutated) : mutated;
        const seen = asText ? JSON.parse(input as string) : mutated;
        const result = attempt(input);
        const valid = isValidModel(seen);
        expect(
          result instanceof ModelFormatError,
          `${JSON.stringify(path)} ${mut.kind}: ${String(result)}`,
        ).toBe(!valid);
        if (result instanceof ModelFormatError) rejected++;
        else expectSameNetwork(result, seen as ModelJson);
      }),
      options(424242, RUNS.mutated),
    );
    // Most mutations break the file; the test must exercise both outcomes.
    expect(rejected).toBeGreaterThan(RUNS.mutated / 2);
    expect(rejected).toBeLessThan(RUNS.mutated);
  });

  it('damaged JSON text (bytes cut, inserted or replaced): a ModelFormatError or the model the text still describes', () => {
    const noise = fc.constantFrom(
      '1e999',
      '-1e999',
      'NaN',
      'Infinity',
      '"',
      '{',
      ']',
      ',',
      '0x10',
      '+1',
      '.5',
      '"__proto__":{"polluted":true},',
      '"constructor":{"prototype":{"polluted":true}},',
      '[[[[[[[[',
      '\u0000',
      '\uFFFD',
    );
    fc.assert(
      fc.property(
        validModel,
        fc.nat(),
        fc.nat({ max: 12 }),
        fc.oneof(noise, fc.string({ maxLength: 6 })),
        (model, at, cut, insert) => {
          const text = JSON.stringify(model);
          const i = at % (text.length + 1);
          const damaged = text.slice(0, i) + insert + text.slice(i + cut);
          const result = attempt(damaged);
          let seen: unknown;
          try {
            seen = JSON.parse(damaged);
          } catch {
            expect(result).toBeInstanceOf(ModelFormatError);
            return;
          }
          expect(result instanceof ModelFormatError).toBe(!isValidModel(seen));
          if (!(result instanceof ModelFormatError)) expectSameNetwork(result, seen as ModelJson);
        },
      ),
      options(31337, RUNS.text),
    );
  });

  it('metadata JSON cannot hold (BigInt, a throwing toJSON) in an already-parsed object: a ModelFormatError naming meta', () => {
    const unserialisable = fc.constantFrom<unknown>(
      1n,
      { deep: [2n ** 70n] },
      {
        toJSON() {
          throw new Error('no JSON for you');
        },
      },
      {
        toJSON() {
          throw 'a string';
        },
      },
    );
    fc.assert(
      fc.property(validModel, fc.string({ maxLength: 5 }), unserialisable, (model, key, value) => {
        const e = attempt({ ...model, meta: { ...model.meta, [`x${key}`]: value } });
        expect(e).toBeInstanceOf(ModelFormatError);
        expect((e as ModelFormatError).message).toMatch(/^meta is not JSON-serialisable \(.+\)$/);
      }),
      options(11, 100),
    );
    // Values JSON leaves out (functions, symbols, undefined) are dropped, as JSON.stringify does.
    const model = createModelJson();
    const parsed = attempt({ ...model, meta: { f: () => 1, s: Symbol('s'), u: undefined, n: 2 } });
    expect(parsed).not.toBeInstanceOf(ModelFormatError);
    expect((parsed as ReturnType<typeof parseModel>).meta).toEqual({ n: 2 });
  });

  it('forged sizes (10^9 neurons, 2^52, huge layer counts) are rejected from the arrays, before any allocation', () => {
    fc.assert(
      fc.property(
        validModel,
        fc.nat(),
        fc.constantFrom(1e9, 2 ** 31, 2 ** 32 + 1, 2 ** 52, Number.MAX_SAFE_INTEGER),
        (model, at, forged) => {
          const sizes = [...model.sizes];
          sizes[at % sizes.length] = forged;
          const e = attempt({ ...model, sizes });
          expect(e).toBeInstanceOf(ModelFormatError);
          // The message names the claim and what is really there.
          expect((e as ModelFormatError).message).toMatch(/has \d+ (rows|values), expected \d+/);
        },
      ),
      options(5, 100),
    );
    const many = attempt({ ...createModelJson(), sizes: new Array(1_000_000).fill(1) });
    expect((many as ModelFormatError).message).toBe('activations has 1 entries, expected 999999');
    const rows = attempt({ ...createModelJson(), weights: [new Array(1_000_000).fill([0, 0])] });
    expect((rows as ModelFormatError).message).toBe('weights[0] has 1000000 rows, expected 1');
    const values = attempt({ ...createModelJson(), biases: [new Array(1_000_000).fill(0)] });
    expect((values as ModelFormatError).message).toBe('biases[0] has 1000000 values, expected 1');
  });

  it('metadata nested 100,000 levels deep, as text and as an object: a ModelFormatError', () => {
    const deepText = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const text = JSON.stringify(createModelJson()).replace('"meta":{}', `"meta":{"a":${deepText}}`);
    expect(attempt(text)).toBeInstanceOf(ModelFormatError);
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(attempt({ ...createModelJson(), meta: { a: deep } })).toBeInstanceOf(ModelFormatError);
  });
});

function createModelJson(): ModelJson {
  return JSON.parse(
    serializeModel(createNetwork([2, 1], { rng: new Rng(1) }), { cost: 'quadratic' }),
  ) as ModelJson;
}

afterAll(() => {
  // No fuzz case polluted a prototype.
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.keys(Object.prototype)).toEqual([]);
  expect(casesRun).toBeGreaterThan(0);
  console.info(`model.fuzz: ${casesRun} parseModel calls`);
});
