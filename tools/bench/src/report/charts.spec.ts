import type { BenchResults } from '../results';
import { benchCharts, renderCharts } from './charts';
import { benchResultsFixture } from './results.fixture';
import { CHART_PALETTE } from './vega-chart';

interface SpecView {
  title: { text: string; subtitle?: string };
  data: { values: Array<Record<string, unknown>> };
  encoding: {
    x: { scale?: { type?: string }; title: string };
    y: { scale?: { type?: string }; title: string };
    color: { scale: { domain: string[]; range: string[] } };
    strokeDash?: { scale: { domain: string[]; range: number[][] } };
  };
}

/** The parts of a chart's Vega-Lite spec that these tests read. */
function spec(results: BenchResults, file: string): SpecView & { alt: string } {
  const found = benchCharts(results).find((c) => c.file === file);
  if (!found) throw new Error(`no chart ${file}`);
  return { ...(found.spec as unknown as SpecView), alt: found.alt };
}

describe('benchCharts', () => {
  it('names the four charts of the report', () => {
    expect(benchCharts(benchResultsFixture()).map((c) => c.file)).toEqual([
      'latency-vs-load.svg',
      'resume-histogram.svg',
      'memory-ramp.svg',
      'throughput-vs-load.svg',
    ]);
  });

  it('draws p50 solid and p99 dashed per path on log axes, one colour per path', () => {
    const { encoding } = spec(benchResultsFixture(), 'latency-vs-load.svg');

    expect(encoding.x.scale?.type).toBe('log');
    expect(encoding.y.scale?.type).toBe('log');
    expect(encoding.color.scale.domain).toEqual([
      'LiteSession p50',
      'LiteSession p99',
      'Direct p50',
      'Direct p99',
      'Redis Streams p50',
      'Redis Streams p99',
    ]);
    const dashes = encoding.strokeDash?.scale.range ?? [];
    expect(dashes.map((dash) => dash[1] !== 0)).toEqual([false, true, false, true, false, true]);
    const colors = encoding.color.scale.range;
    expect(new Set(colors).size).toBe(3);
    expect(colors[0]).toBe(colors[1]);
    expect(colors[0]).toBe(CHART_PALETTE[0]);
  });

  it('leaves a path that cannot resume out of the histogram and says so in the alt text', () => {
    const { encoding, alt } = spec(benchResultsFixture(), 'resume-histogram.svg');

    expect(encoding.color.scale.domain).toEqual(['LiteSession', 'Redis Streams']);
    expect(alt).toContain('not possible for Direct');
  });

  it('plots memory in MiB and gives the fitted slope in the alt text', () => {
    const { encoding, data, alt } = spec(benchResultsFixture(), 'memory-ramp.svg');

    expect(encoding.y.title).toBe('Gateway RSS, MiB');
    expect(data.values.every((row) => typeof row['y'] === 'number' && row['y'] < 10_000)).toBe(true);
    expect(alt).toContain('LiteSession 15.0 KiB/session');
  });

  it('adds a delivered = offered reference line to the throughput chart', () => {
    const { encoding, data } = spec(benchResultsFixture(), 'throughput-vs-load.svg');

    expect(encoding.color.scale.domain[0]).toBe('Delivered = offered');
    expect(data.values.filter((row) => row['series'] === 'Delivered = offered')).toHaveLength(2);
  });

  it('leaves points a log axis cannot show out of the data', () => {
    const results = benchResultsFixture();
    const [first] = results.ladder;
    if (first) first.latency = { ...first.latency, p50: 0 };
    const { data } = spec(results, 'latency-vs-load.svg');

    expect(data.values.every((row) => Number(row['x']) > 0 && Number(row['y']) > 0)).toBe(true);
  });
});

describe('renderCharts', () => {
  it('renders each chart to an SVG with its title and legend', async () => {
    const charts = await renderCharts(benchResultsFixture());
    const latency = charts.find((c) => c.file === 'latency-vs-load.svg')?.svg ?? '';

    expect(latency).toMatch(/^<svg /);
    expect(latency).toContain('Per-token latency vs load');
    expect(latency).toContain('LiteSession p99');
    for (const { svg } of charts) expect(svg).not.toMatch(/NaN|Infinity|undefined/);
  });

  it('renders every chart without data, saying so', async () => {
    const empty: BenchResults = { ...benchResultsFixture(), ladder: [], capacity: [], resume: [] };

    for (const { svg } of await renderCharts(empty)) {
      expect(svg).toContain('No data');
      expect(svg).not.toMatch(/NaN|Infinity|undefined/);
    }
  });
});
