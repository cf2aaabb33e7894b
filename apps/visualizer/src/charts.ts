/** Line charts on uPlot, sized to their container. */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** One line of a chart. */
export interface LineSpec {
  label: string;
  color: string;
  dash?: number[];
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
}

/** A chart whose data can be replaced; x is shared by every line. */
export interface LineChart {
  readonly root: HTMLElement;
  setData(x: number[], ys: (number | null)[][]): void;
  destroy(): void;
}

/** Creates a uPlot line chart inside a new `<figure>` appended to `parent`. */
export function lineChart(parent: HTMLElement, options: ChartOptions): LineChart {
  const root = document.createElement('figure');
  root.className = 'chart';
  root.dataset.chart = options.title;
  parent.appendChild(root);
  const width = () => Math.max(240, Math.floor(root.clientWidth || parent.clientWidth || 360));
  const opts: uPlot.Options = {
    title: options.title,
    width: width(),
    height: options.height ?? 220,
    legend: { show: true, live: false },
    cursor: { drag: { x: false, y: false } },
    scales: {
      x: { time: false },
      y: options.logY ? { distr: 3 } : options.yRange ? { range: options.yRange } : { auto: true },
    },
    axes: [
      { label: options.xLabel, size: 36 },
      { label: options.yLabel ?? '', size: 56 },
    ],
    series: [
      { label: options.xLabel },
      ...options.lines.map((line) => ({
        label: line.label,
        stroke: line.color,
        width: 2,
        dash: line.dash,
        points: { show: false },
        spanGaps: true,
      })),
    ],
  };
  let x: number[] = [];
  let ys: (number | null)[][] = options.lines.map(() => []);
  const plot = new uPlot(opts, [x, ...ys] as uPlot.AlignedData, root);
  const resize = new ResizeObserver(() => {
    const w = width();
    if (Math.abs(w - plot.width) > 4) plot.setSize({ width: w, height: plot.height });
  });
  resize.observe(root);
  return {
    root,
    setData(nx, nys) {
      x = nx;
      ys = nys;
      // uPlot's log scale cannot show values <= 0.
      const clean = options.logY
        ? ys.map((s) => s.map((v) => (v !== null && v > 0 ? v : null)))
        : ys;
      plot.setData([x, ...clean] as uPlot.AlignedData);
    },
    destroy() {
      resize.disconnect();
      plot.destroy();
      root.remove();
    },
  };
}

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

/** One curve of an {@link xyChart}: its own x and y arrays. */
export interface Curve {
  name: string;
  x: readonly number[];
  y: readonly number[];
  color?: string;
}

/** Options of {@link xyChart}. */
export interface XyOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  logX?: boolean;
  logY?: boolean;
  height?: number;
  /** Fixed y range. */
  yRange?: [number, number];
}

/** A chart of curves with different x arrays (joined on the union of their x values). */
export interface XyChart {
  readonly root: HTMLElement;
  setCurves(curves: Curve[]): void;
  destroy(): void;
}

function positiveOnly(values: readonly number[], log: boolean): (number | null)[] {
  return values.map((v) => (Number.isFinite(v) && (!log || v > 0) ? v : null));
}

function joined(curves: Curve[], logX: boolean, logY: boolean): uPlot.AlignedData {
  const tables = curves.map((c) => {
    const pairs = c.x
      .map((x, i) => [x, c.y[i]!] as const)
      .filter(([x]) => Number.isFinite(x) && (!logX || x > 0))
      .sort((a, b) => a[0] - b[0]);
    return [
      pairs.map((p) => p[0]),
      positiveOnly(
        pairs.map((p) => p[1]),
        logY,
      ),
    ] as uPlot.AlignedData;
  });
  return tables.length === 1 ? tables[0]! : uPlot.join(tables);
}

/** Creates a chart of curves inside a new `<figure>` appended to `parent`. */
export function xyChart(parent: HTMLElement, options: XyOptions, curves: Curve[]): XyChart {
  const root = document.createElement('figure');
  root.className = 'chart';
  root.dataset.chart = options.title;
  parent.appendChild(root);
  const width = () => Math.max(260, Math.floor(root.clientWidth || parent.clientWidth || 420));
  const make = (cs: Curve[]) =>
    new uPlot(
      {
        title: options.title,
        width: width(),
        height: options.height ?? 240,
        legend: { live: false },
        cursor: { drag: { x: false, y: false } },
        scales: {
          x: { time: false, distr: options.logX ? 3 : 1 },
          y: options.logY
            ? { distr: 3 }
            : options.yRange
              ? { range: options.yRange }
              : { auto: true },
        },
        axes: [
          { label: options.xLabel, size: 36 },
          { label: options.yLabel, size: 60 },
        ],
        series: [
          { label: options.xLabel },
          ...cs.map((c, i) => ({
            label: c.name,
            stroke: c.color ?? PALETTE[i % PALETTE.length]!,
            width: 2,
            spanGaps: true,
            points: { show: c.x.length <= 12 },
          })),
        ],
      },
      joined(cs, !!options.logX, !!options.logY),
      root,
    );
  let plot = make(curves);
  let count = curves.length;
  const resize = new ResizeObserver(() => {
    const w = width();
    if (Math.abs(w - plot.width) > 4) plot.setSize({ width: w, height: plot.height });
  });
  resize.observe(root);
  return {
    root,
    setCurves(next) {
      if (next.length !== count) {
        plot.destroy();
        plot = make(next);
        count = next.length;
      } else {
        plot.setData(joined(next, !!options.logX, !!options.logY));
      }
    },
    destroy() {
      resize.disconnect();
      plot.destroy();
      root.remove();
    },
  };
}
