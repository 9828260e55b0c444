import { ClientPool, type PoolReport } from '../load/client-pool';
import { summarize } from '../measure/stats';
import type { ResumeResult } from '../results';
import { type ScenarioContext, seconds, sleep } from './scenario-context';

const RESUME_DEADLINE_MS = 60_000;
/** How long the sessions may take to grow their logs to the asked length before the kill. */
const GROW_DEADLINE_MS = 600_000;
/**
 * The growth rate the reply is sized for: one event per token, but at most this many per second, so that a
 * log that grows slower (LiteSession's scheduler folds the tokens that arrive during a write into one
 * event) still reaches the asked length before the reply ends. The Redis path writes one event per token.
 */
const MAX_EVENTS_PER_SECOND = 40;
/** The direct path cannot resume: after everyone reconnected, wait this long for events that never come. */
const UNSUPPORTED_WAIT_MS = 3000;

/**
 * Two gateway nodes; `sessions` sessions stream through the first. After the warm-up (and, with
 * `logEvents`, once every session's log holds that many events) it is SIGKILLed and every client
 * reconnects to the second with its lastSeq. Per session: connection lost → handshake on the other node
 * (reconnect), and handshake → first event it had not had (resume).
 */
export async function runResume(
  context: ScenarioContext,
  sessions: number,
  logEvents = 0,
): Promise<ResumeResult> {
  const { path, settings, progress } = context;
  const rate = settings.tokensPerSecond;
  const supported = path.name !== 'direct';
  const growSeconds = logEvents / Math.min(rate, MAX_EVENTS_PER_SECOND);
  const running = await path.start({
    gateways: 2,
    tokensPerSecond: rate,
    replyTokens: Math.ceil(
      rate * (Math.ceil(sessions / 100) + settings.warmupSeconds + 90 + 1.5 * growSeconds),
    ),
    maxSessions: sessions,
  });
  const pool = await ClientPool.start(settings.workers);
  let report: PoolReport;
  let logsAtKill = 0;
  try {
    const opened = await pool.open(sessions, running.gatewayUrls, {
      credential: running.credential,
      startTurn: true,
      concurrency: settings.openConcurrency,
      idPrefix: 'resume',
    });
    progress(
      `${opened.opened}/${sessions} sessions streaming through gateway 1 after ${seconds(opened.elapsedMs)}`,
    );
    await sleep(settings.warmupSeconds * 1000);
    logsAtKill = await growLogs(pool, logEvents, progress);
    const killedAt = Date.now();
    await running.killGateway(0);
    progress('gateway 1 SIGKILLed; waiting for the sessions to resume on gateway 2');
    for (;;) {
      await sleep(1000);
      report = await pool.report();
      const waited = Date.now() - killedAt;
      const everyoneBack = report.reconnectMs.length >= opened.opened;
      if (supported ? everyoneBack && report.unresumed === 0 : everyoneBack && waited > UNSUPPORTED_WAIT_MS)
        break;
      if (waited > RESUME_DEADLINE_MS) break;
      progress(`${report.resumeMs.length}/${opened.opened} resumed after ${seconds(waited)}`);
    }
    progress(`${report.resumeMs.length}/${opened.opened} resumed`);
  } finally {
    await pool.closeSessions().catch(() => 0);
    await running.waitIdle?.(30_000);
    await pool.stop();
    await running.stop();
  }
  return {
    path: path.name,
    sessions,
    tokensPerSecond: rate,
    supported,
    resumed: report.resumeMs.length,
    resumeMs: report.resumeMs,
    resume: summarize(report.resumeMs),
    reconnect: summarize(report.reconnectMs),
    logEvents: logsAtKill,
    lost: report.lost,
    duplicated: report.duplicated,
    ...(supported
      ? {}
      : {
          note: 'not possible: the stream died with the node; the clients reconnected but got nothing more',
        }),
  };
}

/** Waits until every session's log holds `logEvents` events (or the deadline); returns the shortest log. */
async function growLogs(
  pool: ClientPool,
  logEvents: number,
  progress: (line: string) => void,
): Promise<number> {
  const deadline = Date.now() + GROW_DEADLINE_MS;
  for (;;) {
    const { minLogEvents } = await pool.report();
    if (minLogEvents >= logEvents || Date.now() > deadline) return minLogEvents;
    progress(`shortest log ${minLogEvents} of ${logEvents} events`);
    await sleep(5000);
  }
}
