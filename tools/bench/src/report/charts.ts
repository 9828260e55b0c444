import type { BenchResults, PathName } from '../results';
import { PATH_ORDER, PATH_SHORT_LABELS } from './format';
import type { TopLevelSpec } from 'vega-lite';
import { histogramSpec, lineChartSpec, renderSvg, type LineSeries } from './vega-chart';

/** One chart of the report: the file its SVG is written to, its Vega-Lite spec and the alt text of its link. */
export interface BenchChart {
  file: string;
  spec: TopLevelSpec;
  alt: string;
}

// A path keeps its colour in every chart (indexes into CHART_PALETTE).
const PATH_COLORS: Record<PathName, number> = { litesession: 0, direct: 2, redis: 1 };
const REFERENCE_COLOR = 6;
const MIB = 1024 * 1024;

/** The four charts of the report, in the order the report shows them. */
export function benchCharts(results: BenchResults): BenchChart[] {
  return [latencyVsLoad(results), resumeHistogram(results), memoryRamp(results), throughputVsLoad(results)];
}

/** The charts with their SVGs, for writing next to the report. */
export function renderCharts(results: BenchResults): Promise<Array<BenchChart & { svg: string }>> {
  return Promise.all(
    benchCharts(results).map(async (chart) => ({ ...chart, svg: await renderSvg(chart.spec) })),
  );
}

function latencyVsLoad(results: BenchResults): BenchChart {
  const paths = pathsIn(results.ladder);
  const series = paths.flatMap((path): LineSeries[] => {
    const steps = results.ladder.filter((step) => step.path === path && step.latency.count > 0);
    const line = (quantile: 'p50' | 'p99'): LineSeries => ({
      name: `${PATH_SHORT_LABELS[path]} ${quantile}`,
      points: steps.map((step) => [step.sessions, step.latency[quantile]]),
      dashed: quantile === 'p99',
      colorIndex: PATH_COLORS[path],
    });
    return [line('p50'), line('p99')];
  });
  return {
    file: 'latency-vs-load.svg',
    spec: lineChartSpec({
      title: `Per-token latency vs load (${results.settings.tokensPerSecond} tok/s per session)`,
      xLabel: 'Sessions on one gateway (log scale)',
      yLabel: 'Writer → client latency, ms (log scale)',
      xLog: true,
      yLog: true,
      series,
    }),
    alt: `Per-token latency p50 (solid) and p99 (dashed) in ms against sessions per gateway, log–log: ${names(paths)}`,
  };
}

function resumeHistogram(results: BenchResults): BenchChart {
  const resumable = sortByPath(results.resume.filter((r) => r.supported && r.resumeMs.length > 0));
  const unsupported = sortByPath(results.resume.filter((r) => !r.supported)).map((r) => r.path);
  const notPossible = unsupported.length === 0 ? '' : ` (not possible for ${names(unsupported)})`;
  return {
    file: 'resume-histogram.svg',
    spec: histogramSpec({
      title: 'Resume time after SIGKILL of the serving gateway',
      xLabel: 'Handshake answered → first missed event, ms',
      yLabel: 'Sessions',
      series: resumable.map((r) => ({
        name: PATH_SHORT_LABELS[r.path],
        values: r.resumeMs,
        colorIndex: PATH_COLORS[r.path],
      })),
    }),
    alt: `Histogram of per-session resume times in ms: ${names(resumable.map((r) => r.path))}${notPossible}`,
  };
}

function memoryRamp(results: BenchResults): BenchChart {
  const ramps = sortByPath(results.capacity);
  const slopes = ramps.map(
    (c) => `${PATH_SHORT_LABELS[c.path]} ${(c.bytesPerSession / 1024).toFixed(1)} KiB/session`,
  );
  return {
    file: 'memory-ramp.svg',
    spec: lineChartSpec({
      title: 'Gateway memory vs open sessions',
      xLabel: 'Open sessions',
      yLabel: 'Gateway RSS, MiB',
      series: ramps.map((c) => ({
        name: PATH_SHORT_LABELS[c.path],
        points: c.samples.map((s) => [s.sessions, s.gatewayRssBytes / MIB]),
        colorIndex: PATH_COLORS[c.path],
      })),
    }),
    alt: `Gateway resident memory in MiB against open sessions; fitted slope: ${slopes.join(', ') || 'none'}`,
  };
}

function throughputVsLoad(results: BenchResults): BenchChart {
  const paths = pathsIn(results.ladder);
  const offered = results.ladder.map((step) => step.sessions * step.tokensPerSecond);
  const highestOffered = offered.reduce((most, value) => Math.max(most, value), 0);
  const ideal: LineSeries[] =
    highestOffered > 0
      ? [
          {
            name: 'Delivered = offered',
            points: [
              [0, 0],
              [highestOffered, highestOffered],
            ],
            dashed: true,
            colorIndex: REFERENCE_COLOR,
          },
        ]
      : [];
  const series = paths.map((path): LineSeries => ({
    name: PATH_SHORT_LABELS[path],
    points: results.ladder
      .filter((step) => step.path === path)
      .map((step) => [step.sessions * step.tokensPerSecond, step.tokensPerSecondPerGateway]),
    colorIndex: PATH_COLORS[path],
  }));
  return {
    file: 'throughput-vs-load.svg',
    spec: lineChartSpec({
      title: 'Delivered vs offered tokens per second, one gateway',
      xLabel: 'Offered tokens/s',
      yLabel: 'Delivered tokens/s per gateway',
      // The reference first, so that the paths are drawn over it.
      series: [...ideal, ...series],
    }),
    alt: `Delivered tokens per second per gateway against offered tokens per second: ${names(paths)}`,
  };
}

function pathsIn(entries: ReadonlyArray<{ path: PathName }>): PathName[] {
  return PATH_ORDER.filter((path) => entries.some((entry) => entry.path === path));
}

function sortByPath<T extends { path: PathName }>(entries: readonly T[]): T[] {
  return [...entries].sort((a, b) => PATH_ORDER.indexOf(a.path) - PATH_ORDER.indexOf(b.path));
}

function names(paths: readonly PathName[]): string {
  return paths.length === 0 ? 'no data' : paths.map((path) => PATH_SHORT_LABELS[path]).join(', ');
}
