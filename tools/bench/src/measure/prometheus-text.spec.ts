import { histogramDelta, histogramOf, parsePrometheusText } from './prometheus-text';

const page = (bucketCounts: [string, number][], sum: number) =>
  [
    '# HELP x_seconds Time',
    '# TYPE x_seconds histogram',
    ...bucketCounts.map(([le, count]) => `x_seconds_bucket{le="${le}",node="a"} ${count}`),
    `x_seconds_sum{node="a"} ${sum}`,
    `x_seconds_count{node="a"} ${Math.max(...bucketCounts.map(([, count]) => count))}`,
    'other_total 7',
  ].join('\n');

describe('prometheus text', () => {
  it('parses names, labels and values, skipping comments', () => {
    const samples = parsePrometheusText('# HELP a b\na_total{code="x",n="1"} 3\nb 2.5\n');
    expect(samples).toEqual([
      { name: 'a_total', labels: { code: 'x', n: '1' }, value: 3 },
      { name: 'b', labels: {}, value: 2.5 },
    ]);
  });

  it('reads a histogram sorted by bucket bound, +Inf last', () => {
    const histogram = histogramOf(
      parsePrometheusText(
        page(
          [
            ['+Inf', 10],
            ['0.01', 4],
            ['0.005', 1],
          ],
          0.2,
        ),
      ),
      'x_seconds',
    );
    expect(histogram.buckets).toEqual([
      { le: 0.005, count: 1 },
      { le: 0.01, count: 4 },
      { le: Infinity, count: 10 },
    ]);
    expect(histogram.sum).toBe(0.2);
    expect(histogram.count).toBe(10);
  });

  it('subtracts an earlier scrape bucket by bucket', () => {
    const before = histogramOf(
      parsePrometheusText(
        page(
          [
            ['0.01', 4],
            ['+Inf', 10],
          ],
          0.2,
        ),
      ),
      'x_seconds',
    );
    const after = histogramOf(
      parsePrometheusText(
        page(
          [
            ['0.01', 9],
            ['+Inf', 25],
          ],
          0.5,
        ),
      ),
      'x_seconds',
    );
    const delta = histogramDelta(before, after);
    expect(delta.buckets).toEqual([
      { le: 0.01, count: 5 },
      { le: Infinity, count: 15 },
    ]);
    expect(delta.count).toBe(15);
    expect(delta.sum).toBeCloseTo(0.3);
  });
});
