/**
 * Line charts on uPlot, sized to their container. Logarithmic axes are drawn
 * as linear axes of log10(value) with labels 10^v: robust for data spanning
 * hundreds of decades (uPlot's own log scale is not).
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** Colours for series that have no meaning of their own (layers, costs…). */
export const PALETTE = [
  '#0877bd',
  '#f59322',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
];

/** Label of a tick at exponent v on a log10 axis: the value 10^v, compactly. */
function powerLabel(v: number): string {
  const value = Number((10 ** v).toPrecision(1));
  const exponent = Math.floor(v + 1e-9);
  if (exponent >= -3 && exponent <= 4) return String(value);
  const mantissa = Math.round(value / 10 ** exponent);
  return mantissa === 1 ? `1e${exponent}` : `${mantissa}e${exponent}`;
}

/** Ticks of a log10 axis between exponents min and max: 1-2-5 steps, or whole decades. */
function powerSplits(min: number, max: number): number[] {
  const lo = Math.floor(min);
  const hi = Math.ceil(max);
  const inside = (v: number) => v >= min - 1e-9 && v <= max + 1e-9;
  const decades: number[] = [];
  for (let d = lo; d <= hi; d++) if (inside(d)) decades.push(d);
  if (decades.length > 8) {
    const step = Math.ceil(decades.length / 8);
    return decades.filter((d) => d % step === 0);
  }
  for (const factors of [[1], [1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]]) {
    const ticks: number[] = [];
    for (let d = lo; d <= hi; d++) {
      for (const f of factors) if (inside(d + Math.log10(f))) ticks.push(d + Math.log10(f));
    }
    if (ticks.length >= 3 || factors.length === 9) return ticks;
  }
  return decades;
}

/**
 * Labels of a linear axis with as many digits as the tick step needs, in
 * exponent form for tiny or huge values (never `0` / `-0` for 1e-17 steps).
 */
export function linearLabels(splits: number[]): string[] {
  const step = splits.length > 1 ? Math.abs(splits[1]! - splits[0]!) : Math.abs(splits[0] ?? 1);
  const big = Math.max(...splits.map(Math.abs));
  if (step > 0 && (big >= 1e5 || big < 1e-3 || step < 1e-4)) {
    const digits = Math.max(0, Math.ceil(Math.log10(big / step) + 1e-9));
    return splits.map((v) => (v === 0 ? '0' : v.toExponential(Math.min(6, digits))));
  }
  const decimals = step > 0 ? Math.max(0, -Math.floor(Math.log10(step) + 1e-9)) : 0;
  return splits.map((v) => {
    const t = v.toFixed(Math.min(10, decimals));
    return Number(t) === 0 ? '0' : t;
  });
}

function linearAxis(label: string, size: number): uPlot.Axis {
  return { label, size, values: (_u, splits) => linearLabels(splits) };
}

function logAxis(label: string, size: number): uPlot.Axis {
  return {
    label,
    size,
    splits: (_u, _axis, min, max) => powerSplits(min, max),
    values: (_u, splits) => splits.map(powerLabel),
  };
}

/** log10 of positive finite values; null elsewhere. */
function log10OrNull(v: number | null): number | null {
  return v !== null && Number.isFinite(v) && v > 0 ? Math.log10(v) : null;
}

function finiteOrNull(v: number | null): number | null {
  return v !== null && Number.isFinite(v) ? v : null;
}

/** One line of a chart. */
export interface LineSpec {
  label: string;
  color: string;
}

/** Options of {@link lineChart}. */
export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel?: string;
  lines: LineSpec[];
  /** Logarithmic y axis (for learning speeds that span orders of magnitude). */
  logY?: boolean;
  /** Fixed y range, e.g. [0, 1] for accuracy. */
  yRange?: [number, number];
  height?: number;
  /** What to notice, shown under the plot. */
  caption?: string;
}

/** A chart whose data can be replaced; x is shared by every line. */
export interface LineChart {
  readonly root: HTMLElement;
  setData(x: number[], ys: (number | null)[][]): void;
  destroy(): void;
}

function figure(parent: HTMLElement, title: string, caption?: string): HTMLElement {
  const root = document.createElement('figure');
  root.className = 'chart';
  root.dataset.chart = title;
  root.setAttribute('role', 'img');
  root.setAttribute('aria-label', `chart: ${title}${caption ? `. ${caption}` : ''}`);
  if (caption) {
    const c = document.createElement('figcaption');
    c.className = 'caption';
    c.textContent = caption;
    root.appendChild(c);
  }
  parent.appendChild(root);
  return root;
}

/** The plot goes before the caption. */
function mount(root: HTMLElement): HTMLElement {
  const box = document.createElement('div');
  root.insertBefore(box, root.firstChild);
  return box;
}

/** Records how many finite points each series draws, for tests and screen readers. */
function recordPoints(root: HTMLElement, ys: readonly (readonly (number | null)[])[]): void {
  root.dataset.points = ys
    .map((y) => y.filter((v) => v !== null && Number.isFinite(v)).length)
    .join(',');
}

function autoResize(root: HTMLElement, plot: () => uPlot, width: () => number): ResizeObserver {
  const resize = new ResizeObserver(() => {
    // A hidden view's charts keep their size (redrawing them would only cost time).
    if (root.clientWidth === 0) return;
    const w = width();
    const p = plot();
    if (Math.abs(w - p.width) > 4) p.setSize({ width: w, height: p.height });
  });
  resize.observe(root);
  return resize;
}

/** Creates a uPlot line chart inside a new `<figure>` appended to `parent`. */
export function lineChart(parent: HTMLElement, options: ChartOptions): LineChart {
  const root = figure(parent, options.title, options.caption);
  const width = () => Math.max(200, Math.floor(root.clientWidth || parent.clientWidth || 360) - 14);
  const logY = !!options.logY;
  const plot = new uPlot(
    {
      title: options.title,
      width: width(),
      height: options.height ?? 220,
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: false },
        y: options.yRange && !logY ? { range: options.yRange } : { auto: true },
      },
      axes: [
        { label: options.xLabel, size: 36 },
        logY ? logAxis(options.yLabel ?? '', 56) : linearAxis(options.yLabel ?? '', 56),
      ],
      series: [
        { label: options.xLabel },
        ...options.lines.map((line) => ({
          label: line.label,
          stroke: line.color,
          width: 2,
          points: { show: false },
          spanGaps: true,
        })),
      ],
    },
    [[], ...options.lines.map(() => [])] as uPlot.AlignedData,
    mount(root),
  );
  recordPoints(root, []);
  const resize = autoResize(root, () => plot, width);
  return {
    root,
    setData(x, ys) {
      const clean = ys.map((s) => s.map(logY ? log10OrNull : finiteOrNull));
      plot.setData([x, ...clean] as uPlot.AlignedData);
      recordPoints(root, clean);
    },
    destroy() {
      resize.disconnect();
      plot.destroy();
      root.remove();
    },
  };
}

/** One curve of an {@link xyChart}: its own x and y arrays. */
export interface Curve {
  name: string;
  x: readonly number[];
  y: readonly number[];
  color?: string;
  /** How to draw it: a line (default), separate points, or bars (for counts). */
  mark?: 'line' | 'points' | 'bars';
}

/** Options of {@link xyChart}. */
export interface XyOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  logX?: boolean;
  logY?: boolean;
  height?: number;
  /** Fixed y range (linear axes only). */
  yRange?: [number, number];
  /** What to notice, shown under the plot. */
  caption?: string;
}

/** A chart of curves with different x arrays (joined on the union of their x values). */
export interface XyChart {
  readonly root: HTMLElement;
  setCurves(curves: Curve[]): void;
  destroy(): void;
}

function joined(curves: Curve[], logX: boolean, logY: boolean): uPlot.AlignedData {
  const tables = curves.map((c) => {
    const pairs: [number, number | null][] = [];
    c.x.forEach((x, i) => {
      const px = logX ? log10OrNull(x) : finiteOrNull(x);
      if (px === null) return;
      const y = c.y[i] ?? null;
      pairs.push([px, logY ? log10OrNull(y) : finiteOrNull(y)]);
    });
    pairs.sort((a, b) => a[0] - b[0]);
    return [pairs.map((p) => p[0]), pairs.map((p) => p[1])] as uPlot.AlignedData;
  });
  return tables.length === 1 ? tables[0]! : uPlot.join(tables);
}

/** uPlot's series options for a curve drawn as a line, points or bars. */
function seriesOf(c: Curve, color: string, curves: number): uPlot.Series {
  const mark = c.mark ?? 'line';
  if (mark === 'bars') {
    const k = Math.max(1, curves);
    return {
      label: c.name,
      stroke: color,
      fill: `${color}cc`,
      width: 1,
      paths: uPlot.paths.bars!({ size: [0.7 / k, 60], align: 0 }),
      points: { show: false },
    };
  }
  if (mark === 'points') {
    return {
      label: c.name,
      stroke: color,
      width: 0,
      paths: () => null,
      points: { show: true, size: 7, fill: color },
    };
  }
  return {
    label: c.name,
    stroke: color,
    width: 2,
    spanGaps: true,
    points: { show: c.x.length <= 12 },
  };
}

/** Creates a chart of curves inside a new `<figure>` appended to `parent`. */
export function xyChart(parent: HTMLElement, options: XyOptions, curves: Curve[]): XyChart {
  const root = figure(parent, options.title, options.caption);
  const box = mount(root);
  const width = () => Math.max(200, Math.floor(root.clientWidth || parent.clientWidth || 420) - 14);
  const logX = !!options.logX;
  const logY = !!options.logY;
  const make = (cs: Curve[]) =>
    new uPlot(
      {
        title: options.title,
        width: width(),
        height: options.height ?? 240,
        legend: { live: false },
        cursor: { drag: { x: false, y: false } },
        scales: {
          x: { time: false },
          y: options.yRange && !logY ? { range: options.yRange } : { auto: true },
        },
        axes: [
          logX ? logAxis(options.xLabel, 36) : linearAxis(options.xLabel, 36),
          logY ? logAxis(options.yLabel, 60) : linearAxis(options.yLabel, 60),
        ],
        series: [
          { label: options.xLabel },
          ...cs.map((c, i) => seriesOf(c, c.color ?? PALETTE[i % PALETTE.length]!, cs.length)),
        ],
      },
      joined(cs, logX, logY),
      box,
    );
  let plot = make(curves);
  recordPoints(root, plot.data.slice(1) as (number | null)[][]);
  let count = curves.length;
  const resize = autoResize(root, () => plot, width);
  return {
    root,
    setCurves(next) {
      if (next.length !== count) {
        plot.destroy();
        plot = make(next);
        count = next.length;
      } else {
        plot.setData(joined(next, logX, logY));
      }
      recordPoints(root, plot.data.slice(1) as (number | null)[][]);
    },
    destroy() {
      resize.disconnect();
      plot.destroy();
      root.remove();
    },
  };
}
