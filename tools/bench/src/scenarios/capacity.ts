import { ClientPool } from '../load/client-pool';
import { histogramDelta, histogramOf, scrape } from '../measure/prometheus-text';
import { rssBytes } from '../measure/proc-stats';
import { linearFit, summaryFromBuckets } from '../measure/stats';
import type { CapacityResult, LatencySummary } from '../results';
import { type ScenarioContext, seconds, sleep } from './scenario-context';

const SETTLE_MS = 2000;
const SUBSCRIBE_HISTOGRAM = 'litesession_gateway_subscribe_seconds';

/**
 * Idle sessions (connected and, for LiteSession, subscribed; nothing streaming) ramped up on one gateway
 * in `steps` equal steps up to `target`. After each step settles, the gateway's RSS is sampled; memory per
 * session is the slope of a least-squares line through the samples. For LiteSession the gateway's own
 * subscribe timer gives the subscribe latency of the last step, i.e. with the node nearly full.
 */
export async function runCapacity(
  context: ScenarioContext,
  target: number,
  steps: number,
): Promise<CapacityResult> {
  const { path, settings, progress } = context;
  const running = await path.start({
    gateways: 1,
    tokensPerSecond: settings.tokensPerSecond,
    replyTokens: 1,
    maxSessions: 8,
  });
  const pool = await ClientPool.start(settings.workers);
  const gatewayPid = running.gatewayPid(0);
  const metricsUrl = running.gatewayMetricsUrl?.(0);
  const samples: CapacityResult['samples'] = [];
  let reached = 0;
  let errors = 0;
  let openMs = 0;
  let subscribe: LatencySummary | undefined;
  try {
    await sleep(SETTLE_MS);
    samples.push({ sessions: 0, gatewayRssBytes: rssBytes(gatewayPid) });
    for (let step = 1; step <= steps; step += 1) {
      const count = Math.round((target * step) / steps) - Math.round((target * (step - 1)) / steps);
      const lastStep = step === steps;
      const before =
        metricsUrl && lastStep ? histogramOf(await scrape(metricsUrl), SUBSCRIBE_HISTOGRAM) : undefined;
      const opened = await pool.open(count, running.gatewayUrls, {
        credential: running.credential,
        startTurn: false,
        concurrency: settings.openConcurrency,
        idPrefix: `capacity-${step}`,
      });
      reached += opened.opened;
      errors += opened.failed;
      openMs += opened.elapsedMs;
      await sleep(SETTLE_MS);
      if (metricsUrl && before) {
        const delta = histogramDelta(before, histogramOf(await scrape(metricsUrl), SUBSCRIBE_HISTOGRAM));
        subscribe = secondsToMs(summaryFromBuckets(delta.buckets, delta.sum));
      }
      const rss = rssBytes(gatewayPid);
      samples.push({ sessions: reached, gatewayRssBytes: rss });
      progress(
        `${reached.toLocaleString('en')} sessions open (step ${step}/${steps} in ${seconds(opened.elapsedMs)}), ` +
          `gateway RSS ${(rss / 2 ** 20).toFixed(0)} MiB` +
          (opened.failed > 0 ? `, ${opened.failed} failed: ${opened.errors.join('; ')}` : ''),
      );
      if (opened.opened === 0) break;
    }
  } finally {
    await pool.closeSessions().catch(() => 0);
    await pool.stop();
    await running.stop();
  }
  return {
    path: path.name,
    target,
    reached,
    samples,
    bytesPerSession: linearFit(samples.map((s) => [s.sessions, s.gatewayRssBytes])).slope,
    openRatePerSecond: openMs > 0 ? (reached * 1000) / openMs : 0,
    ...(subscribe ? { subscribe } : {}),
    errors,
  };
}

function secondsToMs(summary: LatencySummary): LatencySummary {
  const ms = (s: number) => s * 1000;
  return {
    count: summary.count,
    mean: ms(summary.mean),
    p50: ms(summary.p50),
    p90: ms(summary.p90),
    p99: ms(summary.p99),
    max: ms(summary.max),
  };
}
