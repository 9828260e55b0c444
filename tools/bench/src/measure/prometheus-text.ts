/** One sample of a Prometheus text exposition: name, labels, value. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the text format the apps' /metrics serve (prom-client): comments skipped, one sample per line. */
export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]!] = pair[2]!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** Fetches a /metrics page and parses it. */
export async function scrape(url: string): Promise<Sample[]> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return parsePrometheusText(await response.text());
}

/** The cumulative buckets of histogram `name` (le ascending, +Inf last), plus its sum and count. */
export function histogramOf(
  samples: readonly Sample[],
  name: string,
): { buckets: Array<{ le: number; count: number }>; sum: number; count: number } {
  const buckets = samples
    .filter((s) => s.name === `${name}_bucket`)
    .map((s) => ({ le: s.labels['le'] === '+Inf' ? Infinity : Number(s.labels['le']), count: s.value }))
    .sort((a, b) => a.le - b.le);
  const value = (suffix: string) => samples.find((s) => s.name === `${name}${suffix}`)?.value ?? 0;
  return { buckets, sum: value('_sum'), count: value('_count') };
}

/** `after − before`, bucket by bucket: the observations made in between. */
export function histogramDelta(
  before: ReturnType<typeof histogramOf>,
  after: ReturnType<typeof histogramOf>,
): ReturnType<typeof histogramOf> {
  return {
    buckets: after.buckets.map((bucket) => ({
      le: bucket.le,
      count: bucket.count - (before.buckets.find((b) => b.le === bucket.le)?.count ?? 0),
    })),
    sum: after.sum - before.sum,
    count: after.count - before.count,
  };
}
