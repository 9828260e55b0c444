import { linearFit, quantileFromBuckets, summarize, summaryFromBuckets } from './stats';

describe('summarize', () => {
  it('takes nearest-rank percentiles of a sorted copy and leaves the input alone', () => {
    const values = [5, 1, 4, 2, 3];

    // n=5: p50 → rank ceil(2.5)=3, p90 → ceil(4.5)=5, p99 → ceil(4.95)=5.
    expect(summarize(values)).toEqual({ count: 5, mean: 3, p50: 3, p90: 5, p99: 5, max: 5 });
    expect(values).toEqual([5, 1, 4, 2, 3]);
  });

  it('gives the textbook ranks for 1…100', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);

    expect(summarize(values)).toEqual({ count: 100, mean: 50.5, p50: 50, p90: 90, p99: 99, max: 100 });
  });

  it('reports a single value as every percentile', () => {
    expect(summarize([7.25])).toEqual({ count: 1, mean: 7.25, p50: 7.25, p90: 7.25, p99: 7.25, max: 7.25 });
  });

  it('reports no values as zeros with count 0', () => {
    expect(summarize([])).toEqual({ count: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0 });
  });
});

describe('linearFit', () => {
  it('recovers an exact line', () => {
    expect(
      linearFit([
        [0, 1],
        [1, 3],
        [2, 5],
      ]),
    ).toEqual({ slope: 2, intercept: 1 });
  });

  it('fits scattered points by least squares', () => {
    // mean x 2.5, mean y 4; Σdx·dy = 7, Σdx² = 5 → slope 1.4, intercept 4 − 1.4·2.5 = 0.5.
    const fit = linearFit([
      [1, 2],
      [2, 3],
      [3, 5],
      [4, 6],
    ]);

    expect(fit.slope).toBeCloseTo(1.4, 12);
    expect(fit.intercept).toBeCloseTo(0.5, 12);
  });

  it('reports slope 0 and the mean y when the x values are not distinct', () => {
    expect(
      linearFit([
        [3, 1],
        [3, 5],
      ]),
    ).toEqual({ slope: 0, intercept: 3 });
    expect(linearFit([[1, 9]])).toEqual({ slope: 0, intercept: 9 });
    expect(linearFit([])).toEqual({ slope: 0, intercept: 0 });
  });
});

// 100 observations: 20 in (0,10], 40 in (10,20], 30 in (20,50], 10 in (50,100], none above.
const BUCKETS = [
  { le: 10, count: 20 },
  { le: 20, count: 60 },
  { le: 50, count: 90 },
  { le: 100, count: 100 },
  { le: Infinity, count: 100 },
];

describe('quantileFromBuckets', () => {
  it('interpolates linearly inside the bucket that holds the rank', () => {
    expect(quantileFromBuckets(BUCKETS, 0.1)).toBe(5); // rank 10 of 20 in (0,10]
    expect(quantileFromBuckets(BUCKETS, 0.5)).toBe(17.5); // rank 50 → 30 of 40 in (10,20]
    expect(quantileFromBuckets(BUCKETS, 0.9)).toBe(50); // rank 90 → the top of (20,50]
    expect(quantileFromBuckets(BUCKETS, 0.99)).toBeCloseTo(95, 12); // rank 99 → 9 of 10 in (50,100]
    expect(quantileFromBuckets(BUCKETS, 1)).toBe(100);
  });

  it('reports a quantile in the open bucket as the highest finite bound', () => {
    const buckets = [
      { le: 10, count: 5 },
      { le: Infinity, count: 10 },
    ];

    expect(quantileFromBuckets(buckets, 0.9)).toBe(10);
  });

  it('starts q=0 at the lower bound of the first bucket that holds observations', () => {
    const buckets = [
      { le: 1, count: 0 },
      { le: 2, count: 4 },
      { le: Infinity, count: 4 },
    ];

    expect(quantileFromBuckets(buckets, 0)).toBe(1);
  });

  it('does not depend on the order the buckets come in', () => {
    expect(quantileFromBuckets([...BUCKETS].reverse(), 0.5)).toBe(17.5);
  });

  it('treats a count that dips below an earlier bucket as that earlier count', () => {
    const raced = [
      { le: 10, count: 20 },
      { le: 20, count: 18 },
      { le: Infinity, count: 40 },
    ];

    expect(quantileFromBuckets(raced, 0.25)).toBe(5); // rank 10 of 20 in (0,10]
  });

  it('returns 0 for an empty histogram and refuses a q outside 0…1', () => {
    expect(quantileFromBuckets([], 0.5)).toBe(0);
    expect(quantileFromBuckets([{ le: Infinity, count: 0 }], 0.5)).toBe(0);
    expect(() => quantileFromBuckets(BUCKETS, 1.5)).toThrow(RangeError);
    expect(() => quantileFromBuckets(BUCKETS, Number.NaN)).toThrow(RangeError);
  });
});

describe('summaryFromBuckets', () => {
  it('takes the mean from the histogram sum when it is given', () => {
    expect(summaryFromBuckets(BUCKETS, 3000)).toEqual({
      count: 100,
      mean: 30,
      p50: 17.5,
      p90: 50,
      p99: expect.closeTo(95, 12),
      max: 100,
    });
  });

  it('estimates the mean from bucket midpoints without a sum', () => {
    // 20·5 + 40·15 + 30·35 + 10·75 = 2500 over 100 observations.
    expect(summaryFromBuckets(BUCKETS).mean).toBe(25);
  });

  it('counts the open bucket at the highest finite bound', () => {
    const buckets = [
      { le: 10, count: 2 },
      { le: Infinity, count: 4 },
    ];

    // 2·5 + 2·10 = 30 over 4.
    expect(summaryFromBuckets(buckets)).toMatchObject({ count: 4, mean: 7.5, max: 10 });
  });

  it('reports an empty histogram as zeros, never NaN', () => {
    expect(summaryFromBuckets([{ le: Infinity, count: 0 }], 0)).toEqual({
      count: 0,
      mean: 0,
      p50: 0,
      p90: 0,
      p99: 0,
      max: 0,
    });
  });
});
