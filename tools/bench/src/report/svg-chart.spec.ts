import { escapeXml, histogram, lineChart, type LineChartOptions } from './svg-chart';

/** Tags balance, and no raw `<` or `&` is left in text: enough of XML for hand-written SVG. */
function expectWellFormed(svg: string): void {
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  const open: string[] = [];
  for (const [tag, closing, name, selfClosing] of svg.matchAll(/<(\/?)([a-zA-Z]+)\b[^<>]*?(\/?)>/g)) {
    if (selfClosing) continue;
    if (closing) expect(`${open.pop()} closed by ${tag}`).toBe(`${name} closed by ${tag}`);
    else open.push(name);
  }
  expect(open).toEqual([]);
  const text = svg.replace(/<[^<>]*>/g, '');
  expect(text).not.toMatch(/[<>]|&(?!(amp|lt|gt|quot|#39);)/);
  expect(svg).not.toMatch(/NaN|Infinity|undefined/);
}

function texts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map(([, content]) => content);
}

function count(svg: string, pattern: RegExp): number {
  return svg.match(pattern)?.length ?? 0;
}

const LATENCY: LineChartOptions = {
  title: 'Latency vs load',
  xLabel: 'Sessions',
  yLabel: 'ms',
  xLog: true,
  yLog: true,
  series: [
    {
      name: 'a p50',
      points: [
        [100, 2],
        [3000, 5],
        [1000, 3],
      ],
      colorIndex: 0,
    },
    {
      name: 'a p99',
      points: [
        [100, 6],
        [1000, 9],
        [3000, 50],
      ],
      dashed: true,
      colorIndex: 0,
    },
    { name: 'b p50', points: [[100, 3]] },
  ],
};

describe('lineChart', () => {
  it('renders a standalone SVG with one polyline per series, the title and a legend', () => {
    const svg = lineChart(LATENCY);

    expectWellFormed(svg);
    expect(count(svg, /<polyline /g)).toBe(3);
    expect(svg).toContain('<title>Latency vs load</title>');
    expect(texts(svg)).toEqual(expect.arrayContaining(['Latency vs load', 'a p50', 'a p99', 'b p50']));
  });

  it('puts decade ticks, and only decade labels, on log axes', () => {
    const svg = lineChart(LATENCY);

    // title · x ticks 100…10k · y ticks 1…100 · axis labels · legend
    expect(texts(svg)).toEqual(
      ['Latency vs load', '100', '1k', '10k', '1', '10', '100', 'Sessions', 'ms'].concat(
        'a p50',
        'a p99',
        'b p50',
      ),
    );
  });

  it('uses round linear ticks that include zero', () => {
    const svg = lineChart({
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
      series: [
        {
          name: 's',
          points: [
            [3, 4],
            [7, 13],
          ],
        },
      ],
    });

    // x: span 7 → step 2; y: span 13 → step 5.
    expect(texts(svg).slice(1, 10)).toEqual(['0', '2', '4', '6', '8', '0', '5', '10', '15']);
  });

  it('labels the thousands of one axis in one style', () => {
    const chart = (high: number) =>
      texts(
        lineChart({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 's', points: [[high, 1]] }] }),
      );

    expect(chart(8000).slice(1, 6)).toEqual(['0', '2,000', '4,000', '6,000', '8,000']);
    expect(chart(40_000).slice(1, 6)).toEqual(['0', '10k', '20k', '30k', '40k']);
    expect(chart(9_000_000).slice(1, 7)).toEqual(['0', '2M', '4M', '6M', '8M', '10M']);
  });

  it('draws x in order, dashes dashed series and lets related series share a colour', () => {
    const svg = lineChart(LATENCY);
    const polylines = [...svg.matchAll(/<polyline [^>]*>/g)].map(([tag]) => tag);
    const xs = polylines[0]
      .match(/points="([^"]*)"/)?.[1]
      .split(' ')
      .map((p) => Number(p.split(',')[0]));

    expect(xs).toEqual([...(xs ?? [])].sort((a, b) => a - b));
    expect(polylines.map((tag) => tag.includes('stroke-dasharray'))).toEqual([false, true, false]);
    expect(polylines[0].match(/stroke="([^"]*)"/)?.[1]).toBe(polylines[1].match(/stroke="([^"]*)"/)?.[1]);
    expect(polylines[2].match(/stroke="([^"]*)"/)?.[1]).not.toBe(polylines[0].match(/stroke="([^"]*)"/)?.[1]);
  });

  it('escapes text', () => {
    const svg = lineChart({
      title: 'p99 <5 ms & "fast"',
      xLabel: 'a<b',
      yLabel: "it's",
      series: [{ name: 'x & y', points: [[1, 1]] }],
    });

    expectWellFormed(svg);
    expect(svg).toContain('p99 &lt;5 ms &amp; &quot;fast&quot;');
    expect(svg).toContain('x &amp; y');
    expect(escapeXml(`<&>"'`)).toBe('&lt;&amp;&gt;&quot;&#39;');
  });

  it('leaves out points a log axis cannot show, and says so when nothing is left', () => {
    const svg = lineChart({
      ...LATENCY,
      series: [
        {
          name: 'zero',
          points: [
            [0, 1],
            [10, 0],
          ],
        },
      ],
    });

    expectWellFormed(svg);
    expect(svg).toContain('No data');
  });

  it('renders no series at all without failing', () => {
    expectWellFormed(lineChart({ ...LATENCY, series: [] }));
    expectWellFormed(lineChart({ ...LATENCY, xLog: false, yLog: false, series: [] }));
  });

  it('gives the same bytes for the same input', () => {
    expect(lineChart(LATENCY)).toBe(lineChart(structuredClone(LATENCY)));
  });

  it('wraps a long legend onto more rows instead of past the edge', () => {
    const names = Array.from({ length: 8 }, (_, i) => `series number ${i} with a long name`);
    const svg = lineChart({ ...LATENCY, series: names.map((name) => ({ name, points: [[10, 10]] })) });
    const legendXs = [...svg.matchAll(/<text x="([\d.]+)" y="[\d.]+">series number/g)].map(([, x]) =>
      Number(x),
    );

    expect(legendXs).toHaveLength(8);
    expect(Math.max(...legendXs)).toBeLessThan(720 - 200);
  });
});

function binCounts(svg: string): number[][] {
  return [...svg.matchAll(/data-counts="([^"]*)"/g)].map(([, counts]) => counts.split(' ').map(Number));
}

describe('histogram', () => {
  it('counts every value into exactly one of the requested bins, the maximum into the last', () => {
    const values = [0, 1, 2, 3, 4, 5, 6, 7, 8];
    const svg = histogram({
      title: 'Resume',
      xLabel: 'ms',
      yLabel: 'sessions',
      binCount: 4,
      series: [{ name: 'a', values }],
    });

    expectWellFormed(svg);
    // Width 2: [0,2) [2,4) [4,6) [6,8].
    expect(binCounts(svg)).toEqual([[2, 2, 2, 3]]);
  });

  it('shares the bins between series and draws one path per series', () => {
    const svg = histogram({
      title: 'Resume',
      xLabel: 'ms',
      yLabel: 'sessions',
      series: [
        { name: 'a', values: Array.from({ length: 100 }, (_, i) => i) },
        { name: 'b', values: [50, 51, 52, Number.NaN] },
      ],
    });
    const [a, b] = binCounts(svg);

    expect(count(svg, /<path fill="#/g)).toBe(2);
    expect(a).toHaveLength(10); // √100
    expect(b).toHaveLength(10);
    expect(a.reduce((sum, n) => sum + n, 0)).toBe(100);
    expect(b.reduce((sum, n) => sum + n, 0)).toBe(3);
  });

  it('puts identical values into one bin and shows empty input as no data', () => {
    const same = histogram({
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
      binCount: 3,
      series: [{ name: 'a', values: [7, 7] }],
    });
    const empty = histogram({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 'a', values: [] }] });

    expectWellFormed(same);
    expect(binCounts(same)[0].reduce((sum, n) => sum + n, 0)).toBe(2);
    expectWellFormed(empty);
    expect(empty).toContain('No data');
  });

  it('labels the count axis with whole numbers', () => {
    const svg = histogram({
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
      binCount: 2,
      series: [{ name: 'a', values: [1, 2] }],
    });
    const yTicks = [...svg.matchAll(/<text x="64" y="[\d.]+" text-anchor="end">([^<]*)</g)].map(([, t]) => t);

    expect(yTicks).toEqual(['0', '1', '2', '3', '4', '5']);
  });
});
