import { ClientPool } from '../load/client-pool';
import { cpuMicros, rssBytes } from '../measure/proc-stats';
import type { LadderStep } from '../results';
import { type ScenarioContext, seconds, sleep } from './scenario-context';

/** Events written in the window may still be on their way when it closes; they count if they land by then. */
const LATE_GRACE_MS = 3000;
/** A client worker whose event loop lags more than this measures its own backlog, not the path's. */
const CLIENT_LAG_BOUND_MS = 50;
const MIN_DELIVERED_RATIO = 0.99;

/**
 * One step of the load ladder: `sessions` sessions, each streaming one long reply at the set rate through
 * one gateway node; after the warm-up, every token event written during the window is timed from its
 * writer's timestamp to its client's receipt. The path is started fresh for the step and stopped after it.
 */
export async function runLadderStep(context: ScenarioContext, sessions: number): Promise<LadderStep> {
  const { path, settings, progress } = context;
  const rate = settings.tokensPerSecond;
  // Long enough to stream through the opening of every session, the warm-up and the window.
  const streamSeconds = Math.ceil(sessions / 100) + settings.warmupSeconds + settings.windowSeconds + 30;
  const running = await path.start({
    gateways: 1,
    tokensPerSecond: rate,
    replyTokens: rate * streamSeconds,
    maxSessions: sessions,
  });
  const pool = await ClientPool.start(settings.workers);
  try {
    const opened = await pool.open(sessions, running.gatewayUrls, {
      credential: running.credential,
      startTurn: true,
      concurrency: settings.openConcurrency,
      idPrefix: `ladder-${sessions}`,
    });
    progress(
      `${opened.opened}/${sessions} sessions streaming after ${seconds(opened.elapsedMs)}` +
        (opened.failed > 0 ? ` (${opened.failed} failed: ${opened.errors.join('; ')})` : ''),
    );
    await sleep(settings.warmupSeconds * 1000);
    const gatewayPid = running.gatewayPid(0);
    const fromMs = Date.now();
    const toMs = fromMs + settings.windowSeconds * 1000;
    pool.setWindow(fromMs, toMs);
    const gatewayCpu0 = cpuMicros(gatewayPid);
    const infra = running.infraProcesses();
    const infraCpu0 = infra.map((process) => cpuMicros(process.pid));
    for (let elapsed = 0; elapsed < settings.windowSeconds; elapsed += 5) {
      await sleep(Math.min(5, settings.windowSeconds - elapsed) * 1000);
      const sofar = await pool.report();
      progress(
        `window ${Math.min(elapsed + 5, settings.windowSeconds)}/${settings.windowSeconds} s: ` +
          `${sofar.deliveredTokens.toLocaleString('en')} tokens, p99 ${sofar.latency.p99.toFixed(1)} ms`,
      );
    }
    const gatewayCpu = cpuMicros(gatewayPid) - gatewayCpu0;
    const infraCpu = infra.map((process, i) => cpuMicros(process.pid) - (infraCpu0[i] as number));
    const gatewayRssBytes = rssBytes(gatewayPid);
    await sleep(LATE_GRACE_MS);
    const report = await pool.report();
    const offeredTokens = sessions * rate * settings.windowSeconds;
    const perToken = (micros: number) => (report.deliveredTokens > 0 ? micros / report.deliveredTokens : 0);
    const failures: string[] = [];
    if (opened.failed > 0) failures.push(`${opened.failed} sessions could not start`);
    if (report.latency.p99 > settings.p99BoundMs)
      failures.push(`p99 ${report.latency.p99.toFixed(1)} ms > ${settings.p99BoundMs} ms`);
    if (report.deliveredTokens < offeredTokens * MIN_DELIVERED_RATIO)
      failures.push(
        `delivered ${((100 * report.deliveredTokens) / offeredTokens).toFixed(1)}% of offered tokens`,
      );
    if (report.lost + report.duplicated + report.reordered > 0)
      failures.push(`lost ${report.lost}, duplicated ${report.duplicated}, reordered ${report.reordered}`);
    if (report.loopDelayP99Ms > CLIENT_LAG_BOUND_MS)
      failures.push(`client workers lagged (event-loop p99 ${report.loopDelayP99Ms.toFixed(0)} ms)`);
    return {
      path: path.name,
      sessions,
      tokensPerSecond: rate,
      windowSeconds: settings.windowSeconds,
      offeredTokens,
      deliveredTokens: report.deliveredTokens,
      deliveredEvents: report.deliveredEvents,
      latency: report.latency,
      tokensPerSecondPerGateway: report.deliveredTokens / settings.windowSeconds,
      gatewayCpuMicrosPerToken: perToken(gatewayCpu),
      infraCpuMicrosPerToken: perToken(infraCpu.reduce((a, b) => a + b, 0)),
      infraCpuMicrosPerTokenByProcess: Object.fromEntries(
        infra.map((process, i) => [process.name, perToken(infraCpu[i] as number)]),
      ),
      gatewayRssBytes,
      lost: report.lost,
      duplicated: report.duplicated,
      reordered: report.reordered,
      failedSessions: opened.failed,
      passed: failures.length === 0,
      failures,
    };
  } finally {
    await pool.closeSessions().catch(() => 0);
    await running.waitIdle?.(30_000);
    await pool.stop();
    await running.stop();
  }
}

/** The pass rule, as the report states it. */
export function passRule(p99BoundMs: number): string {
  return (
    `every session started; p99 ≤ ${p99BoundMs} ms; ≥ ${MIN_DELIVERED_RATIO * 100}% of offered tokens delivered ` +
    `within ${LATE_GRACE_MS / 1000} s of the window; nothing lost, duplicated or reordered; client workers' ` +
    `event-loop p99 ≤ ${CLIENT_LAG_BOUND_MS} ms`
  );
}
