import type { BenchResults } from '../results';
import { renderCharts } from './charts';
import { benchResultsFixture } from './results.fixture';

function chart(results: BenchResults, file: string): { svg: string; alt: string } {
  const found = renderCharts(results).find((c) => c.file === file);
  expect(found).toBeDefined();
  return found ?? { svg: '', alt: '' };
}

function legend(svg: string): string[] {
  return [...svg.matchAll(/<text x="[\d.]+" y="[\d.]+">([^<]*)<\/text>/g)].map(([, name]) => name);
}

describe('renderCharts', () => {
  it('names the four charts of the report', () => {
    expect(renderCharts(benchResultsFixture()).map((c) => c.file)).toEqual([
      'latency-vs-load.svg',
      'resume-histogram.svg',
      'memory-ramp.svg',
      'throughput-vs-load.svg',
    ]);
  });

  it('draws p50 solid and p99 dashed per path on log axes, one colour per path', () => {
    const { svg } = chart(benchResultsFixture(), 'latency-vs-load.svg');
    const polylines = [...svg.matchAll(/<polyline [^>]*>/g)].map(([tag]) => tag);
    const strokes = polylines.map((tag) => tag.match(/stroke="([^"]*)"/)?.[1]);

    expect(legend(svg)).toEqual(
      ['LiteSession p50', 'LiteSession p99', 'Direct p50', 'Direct p99'].concat(
        'Redis Streams p50',
        'Redis Streams p99',
      ),
    );
    expect(polylines.map((tag) => tag.includes('stroke-dasharray'))).toEqual([
      false,
      true,
      false,
      true,
      false,
      true,
    ]);
    expect(new Set(strokes).size).toBe(3);
    expect(strokes[0]).toBe(strokes[1]);
  });

  it('leaves a path that cannot resume out of the histogram and says so in the alt text', () => {
    const { svg, alt } = chart(benchResultsFixture(), 'resume-histogram.svg');

    expect(legend(svg)).toEqual(['LiteSession', 'Redis Streams']);
    expect(alt).toContain('not possible for Direct');
  });

  it('plots memory in MiB and gives the fitted slope in the alt text', () => {
    const { svg, alt } = chart(benchResultsFixture(), 'memory-ramp.svg');

    expect(svg).toContain('Gateway RSS, MiB');
    expect(alt).toContain('LiteSession 15.0 KiB/session');
  });

  it('adds a delivered = offered reference line to the throughput chart', () => {
    const { svg } = chart(benchResultsFixture(), 'throughput-vs-load.svg');

    expect(legend(svg)).toContain('Delivered = offered');
    expect(svg.match(/<polyline /g)).toHaveLength(4);
  });

  it('renders every chart without data', () => {
    const empty: BenchResults = { ...benchResultsFixture(), ladder: [], capacity: [], resume: [] };

    for (const { svg } of renderCharts(empty)) {
      expect(svg).toContain('No data');
      expect(svg).not.toMatch(/NaN|Infinity|undefined/);
    }
  });
});
