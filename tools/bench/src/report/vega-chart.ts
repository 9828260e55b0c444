// Charts are Vega-Lite specs rendered to SVG by Vega in Node (no browser, no canvas): the library lays
// out axes, log scales, legends and bins, and we only say what to plot.
import type { TopLevelSpec } from 'vega-lite';

/** One line of a line chart; points are drawn in x order. */
export interface LineSeries {
  name: string;
  points: ReadonlyArray<readonly [number, number]>;
  dashed?: boolean;
  /** Index into CHART_PALETTE, so that related series (p50 and p99 of one path) share a colour. */
  colorIndex?: number;
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  /** Log scale; points with x ≤ 0 are left out. */
  xLog?: boolean;
  /** Log scale; points with y ≤ 0 are left out. */
  yLog?: boolean;
  series: LineSeries[];
}

export interface HistogramSeries {
  name: string;
  /** Non-finite values are left out. */
  values: readonly number[];
  colorIndex?: number;
}

export interface HistogramOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: HistogramSeries[];
  /** The most bins Vega-Lite may choose (it picks round bin edges). @default 30 */
  maxBins?: number;
}

/** Okabe–Ito colours: distinguishable with the common colour-vision deficiencies and in greyscale print. */
export const CHART_PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#666666'];

const SIZE = { width: 640, height: 320 } as const;
const SOLID = [1, 0];
const DASHED = [6, 4];

/** A line chart with point markers: one colour and dash per series, legend at the top. */
export function lineChartSpec(options: LineChartOptions): TopLevelSpec {
  const plottable = (value: number, log: boolean | undefined) =>
    Number.isFinite(value) && (!log || value > 0);
  const rows = options.series.flatMap((line) =>
    line.points
      .filter(([x, y]) => plottable(x, options.xLog) && plottable(y, options.yLog))
      .map(([x, y]) => ({ series: line.name, x, y })),
  );
  const names = options.series.map((line) => line.name);
  return {
    ...frame(options.title, rows.length === 0, 'stroke'),
    data: { values: rows },
    mark: { type: 'line', point: true, strokeWidth: 2 },
    encoding: {
      x: axis('x', options.xLabel, options.xLog, rows.length === 0),
      y: axis('y', options.yLabel, options.yLog, rows.length === 0),
      color: seriesColor(
        names,
        options.series.map((line, i) => line.colorIndex ?? i),
      ),
      strokeDash: {
        field: 'series',
        type: 'nominal',
        scale: { domain: names, range: options.series.map((line) => (line.dashed ? DASHED : SOLID)) },
      },
      order: { field: 'x', type: 'quantitative' },
    },
  };
}

/** Overlaid histograms with shared bins, one translucent colour per series. */
export function histogramSpec(options: HistogramOptions): TopLevelSpec {
  const rows = options.series.flatMap((s) =>
    s.values.filter(Number.isFinite).map((value) => ({ series: s.name, value })),
  );
  const names = options.series.map((s) => s.name);
  return {
    ...frame(options.title, rows.length === 0, 'square'),
    data: { values: rows },
    mark: { type: 'bar', opacity: 0.6, binSpacing: 1 },
    encoding: {
      x: {
        field: 'value',
        type: 'quantitative',
        bin: { maxbins: options.maxBins ?? 30 },
        title: options.xLabel,
        ...emptyDomain(rows.length === 0, false),
      },
      y: {
        aggregate: 'count',
        type: 'quantitative',
        stack: null,
        title: options.yLabel,
        ...emptyDomain(rows.length === 0, false),
      },
      color: seriesColor(
        names,
        options.series.map((s, i) => s.colorIndex ?? i),
      ),
    },
  };
}

/** Renders a spec to a standalone SVG document. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  // Loaded as ES modules (import(), not require): vega-canvas has a top-level await that CommonJS cannot load.
  const [{ parse, View }, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Title, size and a legend on top; a line chart's legend shows each series' stroke (solid or dashed). */
function frame(title: string, empty: boolean, legendSymbol: 'stroke' | 'square') {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: empty ? { text: title, subtitle: 'No data' } : { text: title },
    ...SIZE,
    background: 'white',
    config: {
      legend: { orient: 'top' as const, columns: 3, symbolType: legendSymbol, symbolStrokeWidth: 2 },
    },
  };
}

function axis(field: 'x' | 'y', title: string, log: boolean | undefined, empty: boolean) {
  const scale = log ? { type: 'log' as const } : { zero: false };
  return {
    field,
    type: 'quantitative' as const,
    title,
    scale: { ...scale, ...emptyDomain(empty, log).scale },
  };
}

/** Without data a scale has no extent (its axis would read "from Infinity to NaN"): give it one. */
function emptyDomain(empty: boolean, log: boolean | undefined): { scale?: { domain: number[] } } {
  return empty ? { scale: { domain: log ? [1, 10] : [0, 1] } } : {};
}

function seriesColor(names: string[], colorIndexes: number[]) {
  return {
    field: 'series',
    type: 'nominal' as const,
    title: null,
    sort: names,
    scale: {
      domain: names,
      range: colorIndexes.map((i) => CHART_PALETTE[i % CHART_PALETTE.length] as string),
    },
  };
}
