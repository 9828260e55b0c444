import { ClientPool, type PoolReport } from '../load/client-pool';
import { summarize } from '../measure/stats';
import type { TakeoverResult, TakeoverStop } from '../results';
import { type ScenarioContext, seconds, sleep } from './scenario-context';

/** How long the other scheduler may take to restart every turn of the killed one. */
const TAKEOVER_DEADLINE_MS = 60_000;
/** Tokens per reply: the turns must still run when the kill comes and for a while after it. */
const REPLY_SECONDS = 60;
/**
 * A restart written this long before the kill still counts as the takeover: the writer's and this
 * process's clocks are the same host's, but the kill is stamped after the signal was sent.
 */
const CLOCK_SLACK_MS = 500;
/**
 * SIGTERM runs: the scheduler's shutdown grace. Its 60 s turns cannot finish in it, so it hands every one
 * back when the grace ends; the hand-over is timed from there.
 */
const TERM_GRACE_MS = 2000;

/**
 * Issue 11's takeover: `sessions` sessions stream through one gateway while two schedulers share their
 * turns. After the warm-up the scheduler running more turns is stopped: SIGKILLed (the other one waits out
 * the requests' leases) or SIGTERMed (it hands its turns back once its grace has passed). Per session whose
 * turn was taken over: the kill (or the grace's end) → the `turn.restarted` its new scheduler wrote (its
 * writer time). LiteSession only: the other paths have no second writer to take a turn over.
 */
export async function runTakeover(
  context: ScenarioContext,
  sessions: number,
  run: number,
  stop: TakeoverStop = 'SIGKILL',
): Promise<TakeoverResult> {
  const { path, settings, progress } = context;
  const graceMs = stop === 'SIGTERM' ? TERM_GRACE_MS : 0;
  const running = await path.start({
    gateways: 1,
    schedulers: 2,
    tokensPerSecond: settings.tokensPerSecond,
    replyTokens: settings.tokensPerSecond * REPLY_SECONDS,
    maxSessions: sessions,
    schedulerGraceMs: graceMs,
  });
  if (!running.killScheduler || !running.terminateScheduler || !running.schedulerTurns) {
    await running.stop();
    throw new Error(`the ${path.name} path has no schedulers to kill`);
  }
  const pool = await ClientPool.start(settings.workers);
  let report: PoolReport;
  let victimTurns = 0;
  let stoppedAt = 0;
  try {
    const opened = await pool.open(sessions, running.gatewayUrls, {
      credential: running.credential,
      startTurn: true,
      concurrency: settings.openConcurrency,
      idPrefix: `takeover-${run}`,
    });
    progress(
      `${opened.opened}/${sessions} sessions streaming over two schedulers after ${seconds(opened.elapsedMs)}`,
    );
    await sleep(settings.warmupSeconds * 1000);
    const [first, second] = await Promise.all([running.schedulerTurns(0), running.schedulerTurns(1)]);
    const victim = second > first ? 1 : 0;
    victimTurns = Math.max(first, second);
    if (stop === 'SIGKILL') {
      await running.killScheduler(victim);
      stoppedAt = Date.now();
    } else {
      // Timed from the end of the grace, when the scheduler hands its turns back.
      stoppedAt = Date.now() + graceMs;
      running.terminateScheduler(victim);
    }
    progress(`scheduler ${victim + 1} (${victimTurns} of ${first + second} turns) stopped with ${stop}`);
    for (;;) {
      await sleep(1000);
      report = await pool.report();
      const restarted = restartsAfter(report.restartTs, stoppedAt).length;
      if (restarted >= victimTurns || Date.now() - stoppedAt > TAKEOVER_DEADLINE_MS) break;
      progress(`${restarted}/${victimTurns} turns restarted after ${seconds(Date.now() - stoppedAt)}`);
    }
  } finally {
    await pool.closeSessions().catch(() => 0);
    await running.waitIdle?.(30_000);
    await pool.stop();
    await running.stop();
  }
  const restartMs = restartsAfter(report.restartTs, stoppedAt);
  progress(`${restartMs.length}/${victimTurns} turns restarted`);
  return {
    path: path.name,
    run,
    sessions,
    stop,
    graceMs,
    victimTurns,
    restarted: restartMs.length,
    restartMs,
    restart: summarize(restartMs),
    lost: report.lost,
    duplicated: report.duplicated,
  };
}

/** Per session, its first restart written after the kill: kill → restart, ms. */
export function restartsAfter(restartTs: readonly number[][], killedAt: number): number[] {
  return restartTs.flatMap((times) => {
    const first = times.find((ts) => ts >= killedAt - CLOCK_SLACK_MS);
    return first === undefined ? [] : [Math.max(0, first - killedAt)];
  });
}
