import type { LatencySummary } from '../results';

/** One cumulative bucket of a Prometheus-style histogram: `count` observations were ≤ `le`. */
export interface CumulativeBucket {
  le: number;
  count: number;
}

const EMPTY_SUMMARY: LatencySummary = { count: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0 };

/** Exact count, mean, nearest-rank p50/p90/p99 and max of `valuesMs`; all zeros for no values. */
export function summarize(valuesMs: readonly number[]): LatencySummary {
  if (valuesMs.length === 0) return { ...EMPTY_SUMMARY };
  const sorted = [...valuesMs].sort((a, b) => a - b);
  const sum = sorted.reduce((total, value) => total + value, 0);
  return {
    count: sorted.length,
    mean: sum / sorted.length,
    p50: nearestRank(sorted, 0.5),
    p90: nearestRank(sorted, 0.9),
    p99: nearestRank(sorted, 0.99),
    max: sorted[sorted.length - 1],
  };
}

/** The median of `values` (the middle one, or the mean of the middle two); undefined for none. */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? sorted[middle]
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** The smallest value with at least `q` of the values at or below it (nearest-rank, no interpolation). */
function nearestRank(sorted: readonly number[], q: number): number {
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1];
}

/**
 * Least-squares line through `points`. With fewer than two distinct x the slope is undefined: it is
 * reported as 0, and the intercept as the mean y (0 for no points).
 */
export function linearFit(points: ReadonlyArray<readonly [number, number]>): {
  slope: number;
  intercept: number;
} {
  if (points.length === 0) return { slope: 0, intercept: 0 };
  const meanX = points.reduce((total, [x]) => total + x, 0) / points.length;
  const meanY = points.reduce((total, [, y]) => total + y, 0) / points.length;
  let covariance = 0;
  let varianceX = 0;
  for (const [x, y] of points) {
    covariance += (x - meanX) * (y - meanY);
    varianceX += (x - meanX) ** 2;
  }
  if (varianceX === 0) return { slope: 0, intercept: meanY };
  const slope = covariance / varianceX;
  return { slope, intercept: meanY - slope * meanX };
}

/**
 * The `q`-quantile (0…1) of a cumulative histogram, interpolated linearly inside the bucket that holds
 * it, as Prometheus' `histogram_quantile` does: the first bucket starts at 0, and a quantile that falls
 * into the open `le=Infinity` bucket is reported as the highest finite bound. Returns 0 for an empty
 * histogram. Bounds are in the caller's unit (convert seconds to ms before or after, not both).
 * @throws RangeError when `q` is outside 0…1.
 */
export function quantileFromBuckets(buckets: readonly CumulativeBucket[], q: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be within 0…1 (got ${q})`);
  const sorted = monotonic(buckets);
  const total = sorted.length === 0 ? 0 : sorted[sorted.length - 1].count;
  if (total === 0) return 0;
  const rank = q * total;
  // The first bucket that reaches the rank and holds observations (q=0 must not land in an empty one).
  const index = sorted.findIndex(
    (bucket, i) => bucket.count >= rank && bucket.count > countBefore(sorted, i),
  );
  const bucket = sorted[index];
  if (bucket.le === Infinity) return highestFiniteBound(sorted);
  const lower = index === 0 ? Math.min(0, bucket.le) : sorted[index - 1].le;
  const inBucket = bucket.count - countBefore(sorted, index);
  return lower + (bucket.le - lower) * ((rank - countBefore(sorted, index)) / inBucket);
}

/**
 * Count, mean, p50/p90/p99 and max estimated from a cumulative histogram (all zeros when empty). The
 * mean is `sum / count` when the histogram's sum is given (Prometheus exports it as `_sum`); otherwise it
 * is estimated from bucket midpoints, with the open bucket counted at the highest finite bound. The max
 * is the upper bound of the highest bucket that holds observations, i.e. an upper estimate, except in
 * the open bucket, where it is that bucket's lower bound.
 */
export function summaryFromBuckets(buckets: readonly CumulativeBucket[], sum?: number): LatencySummary {
  const sorted = monotonic(buckets);
  const count = sorted.length === 0 ? 0 : sorted[sorted.length - 1].count;
  if (count === 0) return { ...EMPTY_SUMMARY };
  return {
    count,
    mean: (sum ?? midpointSum(sorted)) / count,
    p50: quantileFromBuckets(sorted, 0.5),
    p90: quantileFromBuckets(sorted, 0.9),
    p99: quantileFromBuckets(sorted, 0.99),
    max: quantileFromBuckets(sorted, 1),
  };
}

/** Sorted by bound, with counts made non-decreasing: a scrape can race the increments of its buckets. */
function monotonic(buckets: readonly CumulativeBucket[]): CumulativeBucket[] {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  let highest = 0;
  return sorted.map(({ le, count }) => {
    highest = Math.max(highest, count);
    return { le, count: highest };
  });
}

function countBefore(sorted: readonly CumulativeBucket[], index: number): number {
  return index === 0 ? 0 : sorted[index - 1].count;
}

function highestFiniteBound(sorted: readonly CumulativeBucket[]): number {
  const finite = sorted.filter((bucket) => Number.isFinite(bucket.le));
  return finite.length === 0 ? 0 : finite[finite.length - 1].le;
}

function midpointSum(sorted: readonly CumulativeBucket[]): number {
  return sorted.reduce((total, bucket, index) => {
    const lower = index === 0 ? Math.min(0, bucket.le) : sorted[index - 1].le;
    const midpoint = bucket.le === Infinity ? highestFiniteBound(sorted) : (lower + bucket.le) / 2;
    return total + midpoint * (bucket.count - countBefore(sorted, index));
  }, 0);
}
