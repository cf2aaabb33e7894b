import type { TrainReport, TrainRow, WorkloadResult } from './train.js';

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => (r[i] as string).length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number)))
      .join('  ');
  return [line(header), ...rows.map(line)];
}

function find(result: WorkloadResult, name: string): TrainRow | undefined {
  return result.rows.find((r) => r.name === name);
}

/** peer time / our time: how many times faster we are. */
function speedup(ours: TrainRow, peer: TrainRow | undefined): string {
  return peer === undefined ? '-' : `${(peer.medianSeconds / ours.medianSeconds).toFixed(1)}x`;
}

/** our time / peer time (below 1: we are faster). */
function timeRatio(ours: TrainRow, peer: TrainRow | undefined): string {
  return peer === undefined ? '-' : `${(ours.medianSeconds / peer.medianSeconds).toFixed(2)}`;
}

function formatWorkload(result: WorkloadResult): string[] {
  const w = result.workload;
  const tfCpu = find(result, 'tfjs-cpu');
  const tfWasm = find(result, 'tfjs-wasm');
  const np64 = find(result, 'numpy f64');
  const np32 = find(result, 'numpy f32');
  const header = [
    'path',
    'epochs',
    's/epoch',
    'min-max',
    'GFLOP/s',
    'accuracy',
    'vs tfjs-cpu',
    'vs tfjs-wasm',
    't/numpy64',
    't/numpy32',
  ];
  const rows = result.rows.map((r) => [
    r.name,
    String(r.epochs),
    r.medianSeconds.toFixed(4),
    `${r.minSeconds.toFixed(4)}-${r.maxSeconds.toFixed(4)}`,
    r.gflops.toFixed(2),
    `${(100 * r.accuracy).toFixed(2)}% @${r.accuracyEpochs}`,
    speedup(r, tfCpu),
    speedup(r, tfWasm),
    timeRatio(r, np64),
    timeRatio(r, np32),
  ]);
  return [
    `Workload ${w.name}: [${w.sizes.join(',')}] ${w.cost}, eta ${w.eta}, lambda ${w.lambda}, mini-batch ${w.batchSize}; ` +
      `${result.gflopPerEpoch.toFixed(2)} GFLOP/epoch`,
    ...table(header, rows),
    ...result.notes.map((n) => `note: ${n}`),
  ];
}

/** Checks of the targets, computed from the figures. */
export function targetChecks(
  report: TrainReport,
): { name: string; pass: boolean; observed: string }[] {
  const checks: { name: string; pass: boolean; observed: string }[] = [];
  const [a, b] = report.workloads;
  if (a === undefined || b === undefined) return checks;
  const fastestNoFlag = (r: WorkloadResult, threads: boolean) =>
    r.rows
      .filter(
        (x) =>
          x.kind === 'mlisp' && !x.flagged && !x.skipZeros && x.name.includes(' x2') === threads,
      )
      .sort((x, y) => x.medianSeconds - y.medianSeconds)[0];
  const ratio = (x: TrainRow | undefined, y: TrainRow | undefined) =>
    x === undefined || y === undefined ? Number.NaN : y.medianSeconds / x.medianSeconds;
  for (const [result, speed, np] of [
    [a, 30, 0.7],
    [b, 30, 0.85],
  ] as const) {
    const best = fastestNoFlag(result, false);
    const vsWasm = ratio(best, find(result, 'tfjs-wasm'));
    const vsNumpy = 1 / ratio(best, find(result, 'numpy f64'));
    const name = result.workload.name;
    checks.push({
      name: `${name}: fastest 1-thread path (${best?.name}) >= ${speed}x tfjs-wasm`,
      pass: vsWasm >= speed,
      observed: `${vsWasm.toFixed(1)}x`,
    });
    checks.push({
      name: `${name}: ... <= ${np}x numpy f64 time`,
      pass: vsNumpy <= np,
      observed: vsNumpy.toFixed(2),
    });
  }
  const both = fastestNoFlag(a, true);
  const bothRatio = 1 / ratio(both, find(a, 'numpy f64'));
  checks.push({
    name: `A: both cores (${both?.name}) <= 0.45x numpy f64 time`,
    pass: bothRatio <= 0.45,
    observed: bothRatio.toFixed(2),
  });
  for (const result of [a, b]) {
    const reference = find(result, 'wasm-simd f64');
    const worst = Math.max(
      ...result.rows
        .filter((r) => r.kind === 'mlisp')
        .map((r) => Math.abs(r.accuracy - (reference?.accuracy ?? Number.NaN))),
    );
    checks.push({
      name: `${result.workload.name}: every path's accuracy within 0.5 points of wasm-simd f64`,
      pass: worst <= 0.005,
      observed: `${(100 * worst).toFixed(2)} points`,
    });
  }
  return checks;
}

/** The report as text tables. */
export function formatTrainReport(report: TrainReport): string {
  const lines: string[] = [
    'Training, seconds per epoch on the bundled 7996/2004 split (median of interleaved epochs; lower is better).',
    "vs tfjs-*: how many times faster; t/numpy*: our time over numpy's (below 1: faster). x2 = both cores.",
    '(flag) = relaxed SIMD, behind --experimental-wasm-relaxed-simd on Node 20 (the bench turns it on).',
    '',
  ];
  for (const w of report.workloads) lines.push(...formatWorkload(w), '');
  lines.push('Scaling (workload B settings), seconds per epoch and GFLOP/s:');
  lines.push(
    ...table(
      ['path', 'sizes', 'batch', 's/epoch', 'GFLOP/s'],
      report.scaling.map((r) => [
        r.name,
        `[${r.sizes.join(',')}]`,
        String(r.batchSize),
        r.medianSeconds.toFixed(4),
        r.gflops.toFixed(2),
      ]),
    ),
    '',
    'Targets:',
  );
  for (const c of targetChecks(report))
    lines.push(`${c.pass ? 'PASS' : 'MISS'}  ${c.name}: ${c.observed}`);
  lines.push(
    '',
    "The targets judge dense kernels (every multiply). The engine's default also skips the all-zero",
    "parts of the inputs (MNIST's blank pixels; same bits): the skip0 rows. With it:",
  );
  for (const result of report.workloads) {
    for (const r of result.rows.filter((x) => x.kind === 'mlisp' && x.skipZeros)) {
      lines.push(
        `  ${result.workload.name}: ${r.name}: ${speedup(r, find(result, 'tfjs-wasm'))} tfjs-wasm, ` +
          `${timeRatio(r, find(result, 'numpy f64'))}x numpy f64 time`,
      );
    }
  }
  return lines.join('\n');
}
