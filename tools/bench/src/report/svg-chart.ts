// Hand-written SVG rather than a charting library: vega is ESM-only and does not load in our Jest setup.

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
  /** Decade ticks; points with x ≤ 0 are left out. */
  xLog?: boolean;
  /** Decade ticks; points with y ≤ 0 are left out. */
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
  /** Equal-width bins shared by all series. @default √(largest series) clamped to 5…30 */
  binCount?: number;
}

/** Okabe–Ito colours: distinguishable with the common colour-vision deficiencies and in greyscale print. */
export const CHART_PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#666666'];

const WIDTH = 720;
const HEIGHT = 400;
const LEFT = 72;
const RIGHT = WIDTH - 24;
const BOTTOM = HEIGHT - 52;
const LEGEND_TOP = 44;
const LEGEND_ROW = 18;
const CHAR_WIDTH = 7; // average advance of a 12 px sans-serif glyph, for legend wrapping

interface Axis {
  toPixel(value: number): number;
  ticks: number[];
  minorTicks: number[];
}

interface LegendEntry {
  name: string;
  color: string;
  dashed: boolean;
  box: boolean;
}

/** A line chart with one polyline (and point markers) per series. */
export function lineChart(options: LineChartOptions): string {
  const series = options.series.map((line, index) => ({
    ...line,
    color: color(line.colorIndex ?? index),
    points: line.points
      .filter(([x, y]) => plottable(x, options.xLog) && plottable(y, options.yLog))
      .sort((a, b) => a[0] - b[0]),
  }));
  const legend = layoutLegend(series.map((s) => ({ ...s, dashed: s.dashed ?? false, box: false })));
  const top = LEGEND_TOP + legend.rows * LEGEND_ROW + 8;
  const xs = series.flatMap((s) => s.points.map(([x]) => x));
  const ys = series.flatMap((s) => s.points.map(([, y]) => y));
  const xAxis = options.xLog ? logAxis(xs, LEFT, RIGHT) : linearAxis(xs, LEFT, RIGHT, true);
  const yAxis = options.yLog ? logAxis(ys, BOTTOM, top) : linearAxis(ys, BOTTOM, top, true);
  const lines = series.flatMap((s) => {
    const pixels = s.points.map(([x, y]) => [num(xAxis.toPixel(x)), num(yAxis.toPixel(y))]);
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    const polyline = pixels.map(([x, y]) => `${x},${y}`).join(' ');
    return [
      `<polyline fill="none" stroke="${s.color}" stroke-width="2"${dash} points="${polyline}"/>`,
      ...pixels.map(([x, y]) => `<circle cx="${x}" cy="${y}" r="3" fill="${s.color}"/>`),
    ];
  });
  const empty = xs.length === 0 ? [noData(top)] : [];
  return svgDocument(options.title, [
    ...axes(xAxis, yAxis, top, options.xLabel, options.yLabel),
    ...lines,
    ...empty,
    legend.svg,
  ]);
}

/** A histogram with shared bins; several series are drawn side by side in each bin, one path per series. */
export function histogram(options: HistogramOptions): string {
  const valuesPerSeries = options.series.map((s) => s.values.filter(Number.isFinite));
  const all = valuesPerSeries.flat();
  const largest = valuesPerSeries.reduce((most, values) => Math.max(most, values.length), 0);
  const binCount = Math.max(1, Math.round(options.binCount ?? clamp(Math.ceil(Math.sqrt(largest)), 5, 30)));
  const [low, high] = binRange(all);
  const width = (high - low) / binCount;
  const counts = valuesPerSeries.map((values) => countIntoBins(values, low, width, binCount));
  const colors = options.series.map((s, index) => color(s.colorIndex ?? index));
  const legend = layoutLegend(
    options.series.map((s, i) => ({ name: s.name, color: colors[i], dashed: false, box: true })),
  );
  const top = LEGEND_TOP + legend.rows * LEGEND_ROW + 8;
  const xAxis = linearAxis([low, high], LEFT, RIGHT, false);
  // At least 0…5, so that the count ticks are whole numbers.
  const yAxis = linearAxis([5, ...counts.flat()], BOTTOM, top, true);
  const bars = counts.map((binCounts, seriesIndex) => {
    const slot = { index: seriesIndex, of: counts.length };
    const d = binCounts.map((count, bin) => barPath(count, low + bin * width, width, slot, xAxis, yAxis));
    return `<path fill="${colors[seriesIndex]}" fill-opacity="0.85" data-counts="${binCounts.join(' ')}" d="${d.join('')}"/>`;
  });
  const empty = all.length === 0 ? [noData(top)] : [];
  return svgDocument(options.title, [
    ...axes(xAxis, yAxis, top, options.xLabel, options.yLabel),
    ...bars,
    ...empty,
    legend.svg,
  ]);
}

/** One bar of a bin (empty for a count of 0): series `slot.index` of `slot.of` side by side, 1 px apart from the next bin. */
function barPath(
  count: number,
  binStart: number,
  binWidth: number,
  slot: { index: number; of: number },
  xAxis: Axis,
  yAxis: Axis,
): string {
  if (count === 0) return '';
  const left = xAxis.toPixel(binStart) + 1;
  const barWidth = (xAxis.toPixel(binStart + binWidth) - 1 - left) / slot.of;
  const x = left + slot.index * barWidth;
  return `M${num(x)},${num(BOTTOM)}V${num(yAxis.toPixel(count))}h${num(barWidth)}V${num(BOTTOM)}Z`;
}

/** Escapes text for SVG content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => XML_ENTITIES[c]);
}

const XML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function svgDocument(title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}"` +
      ` font-family="Helvetica, Arial, sans-serif" font-size="12" fill="#222222">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2}" y="26" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(title)}</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

function axes(xAxis: Axis, yAxis: Axis, top: number, xLabel: string, yLabel: string): string[] {
  const grid = (d: string, stroke: string) => `<path fill="none" stroke="${stroke}" d="${d}"/>`;
  const xAt = (v: number) => num(xAxis.toPixel(v));
  const yAt = (v: number) => num(yAxis.toPixel(v));
  const minor = [
    ...xAxis.minorTicks.map((v) => `M${xAt(v)},${top}V${BOTTOM}`),
    ...yAxis.minorTicks.map((v) => `M${LEFT},${yAt(v)}H${RIGHT}`),
  ];
  const major = [
    ...xAxis.ticks.map((v) => `M${xAt(v)},${top}V${BOTTOM + 5}`),
    ...yAxis.ticks.map((v) => `M${LEFT - 5},${yAt(v)}H${RIGHT}`),
  ];
  const label = (x: string | number, y: string | number, anchor: string, text: string) =>
    `<text x="${x}" y="${y}" text-anchor="${anchor}">${escapeXml(text)}</text>`;
  const middleY = num((top + BOTTOM) / 2);
  return [
    grid(minor.join(''), '#f0f0f0'),
    grid(major.join(''), '#dddddd'),
    grid(`M${LEFT},${top}V${BOTTOM}H${RIGHT}`, '#444444'),
    ...tickLabels(xAxis.ticks).map((text, i) => label(xAt(xAxis.ticks[i]), BOTTOM + 18, 'middle', text)),
    ...tickLabels(yAxis.ticks).map((text, i) =>
      label(LEFT - 8, num(yAxis.toPixel(yAxis.ticks[i]) + 4), 'end', text),
    ),
    label(num((LEFT + RIGHT) / 2), HEIGHT - 12, 'middle', xLabel),
    `<text x="18" y="${middleY}" text-anchor="middle" transform="rotate(-90 18 ${middleY})">${escapeXml(yLabel)}</text>`,
  ];
}

function layoutLegend(entries: LegendEntry[]): { rows: number; svg: string } {
  let x = LEFT;
  let row = 0;
  const items = entries.map((entry) => {
    const itemWidth = 28 + entry.name.length * CHAR_WIDTH + 18;
    if (x + itemWidth > RIGHT && x > LEFT) [x, row] = [LEFT, row + 1];
    const y = LEGEND_TOP + row * LEGEND_ROW;
    const swatch = entry.box
      ? `<rect x="${x + 5}" y="${y - 6}" width="12" height="12" fill="${entry.color}"/>`
      : `<line x1="${x}" y1="${y}" x2="${x + 22}" y2="${y}" stroke="${entry.color}" stroke-width="2"` +
        `${entry.dashed ? ' stroke-dasharray="6 4"' : ''}/>`;
    const text = `<text x="${x + 28}" y="${y + 4}">${escapeXml(entry.name)}</text>`;
    x += itemWidth;
    return swatch + text;
  });
  return { rows: entries.length === 0 ? 0 : row + 1, svg: `<g>${items.join('')}</g>` };
}

/** Round numbers of 1, 2 or 5 × 10ⁿ over the data (and 0 when `includeZero`). */
function linearAxis(values: number[], start: number, end: number, includeZero: boolean): Axis {
  let [low, high] = extent(includeZero ? [0, ...values] : values) ?? [0, 1];
  if (low === high) [low, high] = [low - 0.5 * Math.abs(low || 1), high + 0.5 * Math.abs(high || 1)];
  const step = niceStep((high - low) / 5);
  // `+ 0` turns -0 into 0, which would otherwise be labelled "-0".
  const from = Math.floor(low / step + 1e-9) * step + 0;
  const to = Math.ceil(high / step - 1e-9) * step + 0;
  const ticks = Array.from({ length: Math.round((to - from) / step) + 1 }, (_, i) => from + i * step);
  return { toPixel: (v) => start + ((v - from) / (to - from)) * (end - start), ticks, minorTicks: [] };
}

/** Whole decades around the positive data, with 2…9 × 10ⁿ as unlabelled minor ticks. */
function logAxis(values: number[], start: number, end: number): Axis {
  const [min, max] = extent(values.filter((v) => v > 0)) ?? [1, 10];
  const low = Math.floor(Math.log10(min) + 1e-9);
  let high = Math.ceil(Math.log10(max) - 1e-9);
  if (high === low) high += 1;
  const decades = Array.from({ length: high - low + 1 }, (_, i) => low + i);
  const ticks = decades.map((exponent) => Number(`1e${exponent}`));
  const minorTicks = decades
    .slice(0, -1)
    .flatMap((e) => [2, 3, 4, 5, 6, 7, 8, 9].map((k) => Number(`${k}e${e}`)));
  const toPixel = (v: number) => start + ((Math.log10(v) - low) / (high - low)) * (end - start);
  return { toPixel, ticks, minorTicks };
}

function niceStep(rough: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const normalized = rough / magnitude;
  return (normalized <= 1 ? 1 : normalized <= 2 ? 2 : normalized <= 5 ? 5 : 10) * magnitude;
}

function binRange(values: number[]): [number, number] {
  const [low, high] = extent(values) ?? [0, 1];
  return low === high ? [low - 0.5, high + 0.5] : [low, high];
}

/** [min, max] without spreading: a resume run can hold more values than a call takes arguments. */
function extent(values: readonly number[]): [number, number] | undefined {
  if (values.length === 0) return undefined;
  return values.reduce<[number, number]>(
    ([low, high], v) => [Math.min(low, v), Math.max(high, v)],
    [values[0], values[0]],
  );
}

function countIntoBins(values: number[], low: number, width: number, binCount: number): number[] {
  const counts = new Array<number>(binCount).fill(0);
  // The top edge belongs to the last bin, so the maximum is counted.
  for (const value of values) counts[Math.min(binCount - 1, Math.floor((value - low) / width))] += 1;
  return counts;
}

/**
 * Labels for one axis' ticks, in one style: on an axis that reaches 10,000, thousands are "2k" (not a mix
 * of "2,000" and "10k"); otherwise "2,000". 0.1 + 0.2 is "0.3".
 */
function tickLabels(ticks: readonly number[]): string[] {
  const abbreviate = ticks.some((v) => Math.abs(v) >= 1e4);
  return ticks.map((value) => {
    const abs = Math.abs(value);
    if (abbreviate && abs >= 1e6) return `${grouped(value / 1e6)}M`;
    if (abbreviate && abs >= 1e3) return `${grouped(value / 1e3)}k`;
    return grouped(value);
  });
}

function grouped(value: number): string {
  return Number(value.toPrecision(6)).toLocaleString('en-US', { maximumFractionDigits: 6 });
}

function noData(top: number): string {
  return `<text x="${(LEFT + RIGHT) / 2}" y="${num((top + BOTTOM) / 2)}" text-anchor="middle" fill="#888888">No data</text>`;
}

function plottable(value: number, log: boolean | undefined): boolean {
  return Number.isFinite(value) && (!log || value > 0);
}

function color(index: number): string {
  return CHART_PALETTE[index % CHART_PALETTE.length];
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

/** Pixel coordinates at 0.1 px: enough for the eye, and the same bytes for the same input. */
function num(value: number): string {
  return String(Math.round(value * 10) / 10);
}
