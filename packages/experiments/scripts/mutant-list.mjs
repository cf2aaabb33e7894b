// The planted bugs of `pnpm mutants`: each is an exact search/replace on one
// source line of the library (paths from the repository root). The search
// text must occur exactly once in its file, or the run stops before testing
// anything, so a refactor cannot make a mutant silently test nothing: when
// the code moves, update `file` and `search` here.
//
// `package` is the folder whose `build` script is rerun after the change.

/** @type {{ id: string, class: string, package: string, file: string, search: string, replace: string }[]} */
export const MUTANTS = [
  {
    id: 'bp3-sign',
    class: 'sign of BP3',
    package: 'packages/trainer',
    file: 'packages/trainer/src/backprop.ts',
    search: 'for (let j = 0; j < gb.length; j++) gb[j] = (gb[j] as number) * inv;',
    replace: 'for (let j = 0; j < gb.length; j++) gb[j] = -(gb[j] as number) * inv;',
  },
  {
    id: 'sigma-prime-1pct',
    class: "σ' off by 1% (the matrix form, used by backprop)",
    package: 'packages/neurons',
    file: 'packages/neurons/src/activations.ts',
    search: '      y[i] = v * (1 - v);',
    replace: '      y[i] = 1.01 * v * (1 - v);',
  },
  {
    id: 'sigma-prime-1pct-scalar',
    class: "σ' off by 1% (the scalar form)",
    package: 'packages/neurons',
    file: 'packages/neurons/src/activations.ts',
    search: '    return s * (1 - s);',
    replace: '    return 1.01 * s * (1 - s);',
  },
  {
    id: 'bp3-summed',
    class: 'BP3 summed, not averaged',
    package: 'packages/trainer',
    file: 'packages/trainer/src/backprop.ts',
    search: 'for (let j = 0; j < gb.length; j++) gb[j] = (gb[j] as number) * inv;',
    replace: 'for (let j = 0; j < gb.length; j++) gb[j] = gb[j] as number;',
  },
  {
    id: 'bp2-no-sigma-prime',
    class: "σ' missing from BP2",
    package: 'packages/trainer',
    file: 'packages/trainer/src/backprop.ts',
    search: 'for (let i = 0; i < d.length; i++) d[i] = (d[i] as number) * (sp[i] as number);',
    replace: 'for (let i = 0; i < d.length; i++) d[i] = d[i] as number;',
  },
  {
    id: 'ce-delta-quadratic-library',
    class: 'cross-entropy δ made quadratic (library)',
    package: 'packages/costs',
    file: 'packages/costs/src/costs.ts',
    search:
      '    return difference(a, y, o);\n  },\n} satisfies Cost);\n\n/**\n * The log-likelihood',
    replace:
      '    return quadratic.delta(z, a, y, activation, o);\n  },\n} satisfies Cost);\n\n/**\n * The log-likelihood',
  },
  {
    id: 'ce-delta-quadratic-engine',
    class: 'cross-entropy δ made quadratic (WebAssembly engine)',
    package: 'packages/trainer',
    file: 'packages/trainer/assembly/kernels.ts',
    search: 'store<T>(D + row + o, quadratic != 0 ? timesDerivative1<T>(diff, a, act) : diff);',
    replace: 'store<T>(D + row + o, timesDerivative1<T>(diff, a, act));',
  },
  {
    id: 'eq20-misprint-value',
    class: 'eq. (20) misprint (1 − a) in the cost value',
    package: 'packages/costs',
    file: 'packages/costs/src/costs.ts',
    search: '      if (yi !== 1) s -= (1 - yi) * safeLog(1 - ai);',
    replace: '      if (yi !== 1) s -= (1 - ai) * safeLog(1 - ai);',
  },
  {
    id: 'eq20-misprint-sum',
    class: 'eq. (20) misprint (1 − a) in the batch sum',
    package: 'packages/costs',
    file: 'packages/costs/src/costs.ts',
    search: '      if (yi !== 1) s -= (1 - yi) * (ai < 1 ? Math.log(1 - ai) : LOG_FLOOR);',
    replace: '      if (yi !== 1) s -= (1 - ai) * (ai < 1 ? Math.log(1 - ai) : LOG_FLOOR);',
  },
  {
    id: 'scale-skips-biases',
    class: '`scale` leaving biases alone',
    package: 'packages/neurons',
    file: 'packages/neurons/src/network.ts',
    search: '    for (let i = 0; i < b.length; i++) b[i] = c * (b[i] as number);',
    replace: '    for (let i = 0; i < b.length; i++) b[i] = b[i] as number;',
  },
  {
    id: 'decoder-bit-order',
    class: 'decoder bit order',
    package: 'packages/encoders',
    file: 'packages/encoders/src/binary.ts',
    search: '  for (let j = bits - 1; j >= 0; j--) {\n    const v = outputs[offset + j];',
    replace: '  for (let j = 0; j < bits; j++) {\n    const v = outputs[offset + j];',
  },
  {
    id: 'step-zero-is-one',
    class: 'step(0) = 1',
    package: 'packages/neurons',
    file: 'packages/neurons/src/activations.ts',
    search:
      "    const o = target('step.forward', z, out);\n    const x = z.data;\n    const y = o.data;\n    for (let i = 0; i < x.length; i++) y[i] = (x[i] as number) > 0 ? 1 : 0;",
    replace:
      "    const o = target('step.forward', z, out);\n    const x = z.data;\n    const y = o.data;\n    for (let i = 0; i < x.length; i++) y[i] = (x[i] as number) >= 0 ? 1 : 0;",
  },
  {
    id: 'p3-table-zero',
    class: 'P3 table wrong (w = 0 for unset bits, as the problem set says)',
    package: 'packages/encoders',
    file: 'packages/encoders/src/binary.ts',
    search: '    for (let d = 0; d < classes; d++) row.push(bitOf(d, j) ? 1 : -1);',
    replace: '    for (let d = 0; d < classes; d++) row.push(bitOf(d, j) ? 1 : 0);',
  },
  {
    id: 'trainer-accepts-step',
    class: 'trainer accepting the step activation',
    package: 'packages/trainer',
    file: 'packages/trainer/src/errors.ts',
    search: "    if (name === 'step') {",
    replace: "    if (name === 'never-step') {",
  },
];
