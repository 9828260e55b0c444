/**
 * SIGKILL of one broker of a 2-broker cluster (npm run rocketmq -- start --brokers 2) while sessions on
 * both brokers publish one message a second and a lite push consumer reads them; then the tool restarts
 * it. Prints, per phase and per kind of session (on the killed broker or on the live one), what publishing
 * and reading did, where the messages went, and whether a fresh reader from offset 0 finds every
 * acknowledged message once, in order, at the offset it had before the kill.
 *
 * Needs its own cluster: ROCKETMQ_DIR, ROCKETMQ_ENDPOINTS and the ROCKETMQ_*_PORT settings of that cluster.
 */
import { startRawProducer } from '../support/raw-producer';
import { testSessionId } from '../support/broker-endpoints';
import { runProbe } from './probe-main';
import {
  type Read,
  LiteReader,
  liteTopicInfo,
  publish,
  requireOwnCluster,
  rocketmqTool,
  sleep,
} from './lite-log';

const SESSIONS = Number(process.env['SESSIONS'] ?? 20);
const VICTIM = process.env['VICTIM'] ?? 'broker-b';
const OUTAGE_S = Number(process.env['OUTAGE_SECONDS'] ?? 45);
const AFTER_S = Number(process.env['AFTER_SECONDS'] ?? 20);

interface Sent {
  session: string;
  n: number;
  phase: 'before' | 'outage' | 'after';
  /** Seconds since the kill (before the kill: since the probe started). */
  t: number;
  error: string | undefined;
}

async function main(): Promise<void> {
  requireOwnCluster();
  const sessions = Array.from({ length: SESSIONS }, (_, i) => testSessionId(`kill${i}`));
  const producer = await startRawProducer();
  const live = await LiteReader.start(sessions);
  const sent: Sent[] = [];
  const next = new Map(sessions.map((s) => [s, 0]));
  let killedAt = Date.now();
  const send = async (session: string, phase: Sent['phase']) => {
    const n = next.get(session) ?? 0;
    next.set(session, n + 1);
    const t = (Date.now() - killedAt) / 1000;
    sent.push({ session, n, phase, t, error: await publish(producer, session, n) });
  };
  /** Each session publishes once a second until `until` resolves. */
  const everySecond = (phase: Sent['phase'], until: Promise<unknown>) => {
    let done = false;
    void until.finally(() => (done = true));
    return Promise.all(
      sessions.map(async (session) => {
        while (!done) await Promise.all([send(session, phase), sleep(1000)]);
      }),
    );
  };

  for (let i = 0; i < 3; i += 1) await Promise.all(sessions.map((s) => send(s, 'before')));
  await live.waitFor(() => live.reads.length >= SESSIONS * 3, 30_000);
  const before = new Map(live.reads.map((r) => [`${r.session}#${r.n}`, r]));
  const home = new Map(sessions.map((s) => [s, live.of(s)[0]?.broker ?? '?']));
  const victimName = VICTIM === 'broker' ? 'broker-a' : VICTIM;
  const onVictim = sessions.filter((s) => home.get(s) === victimName);
  console.log(
    `[probe] ${SESSIONS} sessions: ${onVictim.length} on ${victimName}, the rest on the other broker`,
  );

  await rocketmqTool('kill', VICTIM);
  killedAt = Date.now();
  console.log(`[probe] killed ${VICTIM}; publishing one message per session per second for ${OUTAGE_S} s`);
  await everySecond('outage', sleep(OUTAGE_S * 1000));
  // The outage goes on while the tool restarts the broker.
  const restartAt = Date.now();
  const restart = rocketmqTool('start', '--brokers', '2');
  await everySecond('outage', restart);
  console.log(
    `[probe] restarted ${VICTIM} with the tool in ${((Date.now() - restartAt) / 1000).toFixed(1)} s ` +
      `(${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill)`,
  );
  await everySecond('after', sleep(AFTER_S * 1000));
  await live.waitFor(() => false, 5_000);

  for (const [label, group] of [
    [`on ${victimName}`, onVictim],
    ['on the live broker', sessions.filter((s) => !onVictim.includes(s))],
  ] as const) {
    console.log(`[probe] sessions ${label} (${group.length}):`);
    for (const phase of ['outage', 'after'] as const) {
      const mine = sent.filter((m) => m.phase === phase && group.includes(m.session));
      const failed = mine.filter((m) => m.error);
      const okTimes = mine.filter((m) => !m.error).map((m) => m.t);
      const reads = live.reads.filter((r) => mine.some((m) => m.session === r.session && m.n === r.n));
      console.log(
        `[probe]   ${phase}: ${mine.length - failed.length}/${mine.length} sends acknowledged` +
          (failed.length
            ? `, failed ${failed[0]?.t.toFixed(1)}..${failed.at(-1)?.t.toFixed(1)} s after the kill`
            : '') +
          (okTimes.length ? `, acknowledged from ${Math.min(...okTimes).toFixed(1)} s` : '') +
          `; stored on ${brokersOf(reads, mine)} (as the live consumer read them)` +
          (failed[0] ? `; first error: ${failed[0].error}` : ''),
      );
    }
  }
  await live.close();

  const acked = sent.filter((m) => !m.error);
  const fresh = await LiteReader.start(sessions);
  await fresh.waitFor(() => fresh.reads.length >= acked.length, 60_000);
  await fresh.waitFor(() => false, 3_000); // anything beyond: duplicates
  for (const [label, group] of [
    [`on ${victimName}`, onVictim],
    ['on the live broker', sessions.filter((s) => !onVictim.includes(s))],
  ] as const) {
    let missing = 0;
    let duplicated = 0;
    let moved = 0;
    let split = 0;
    let outOfOrder = 0;
    for (const session of group) {
      const reads = fresh.of(session);
      const ns = reads.map((r) => r.n);
      const mine = acked.filter((m) => m.session === session).map((m) => m.n);
      missing += mine.filter((n) => !ns.includes(n)).length;
      duplicated += ns.length - new Set(ns).size;
      outOfOrder += ns.some((n, i) => i > 0 && n < (ns[i - 1] ?? 0)) ? 1 : 0;
      if (new Set(reads.map((r) => r.broker)).size > 1) split += 1;
      moved += reads.filter((r) => {
        const was = before.get(`${r.session}#${r.n}`);
        return was && (was.offset !== r.offset || was.broker !== r.broker);
      }).length;
    }
    console.log(
      `[probe] fresh reader from offset 0, sessions ${label}: ${fresh.reads.filter((r) => group.includes(r.session)).length} read, ` +
        `${missing} acknowledged missing, ${duplicated} duplicated, ${outOfOrder} sessions out of order, ` +
        `${split} sessions stored on both brokers, ${moved} pre-kill messages at another offset or broker`,
    );
  }
  const example = onVictim[0];
  if (example) {
    console.log(
      `[probe] e.g. ${example}: ${fresh
        .of(example)
        .map((r) => `${r.n}@${r.broker.slice(-1)}:${r.offset}`)
        .join(' ')}`,
    );
    console.log(
      `[probe]   getLiteTopicInfo: ${(await liteTopicInfo(example))
        .map((r) => `${r.broker} ${r.minOffset}..${r.maxOffset}`)
        .join(', ')}`,
    );
  }
  await fresh.close();
  await producer.shutdown();
}

/** "broker-a 78 (68.3..75.1 s)": how many of `reads` each broker served, sent when (seconds after the kill). */
function brokersOf(reads: readonly Read[], sent: readonly Sent[]): string {
  const times = new Map<string, number[]>();
  for (const r of reads) {
    const t = sent.find((m) => m.session === r.session && m.n === r.n)?.t ?? NaN;
    times.set(r.broker, [...(times.get(r.broker) ?? []), t]);
  }
  return [...times]
    .map(
      ([broker, ts]) =>
        `${broker} ${ts.length} (${Math.min(...ts).toFixed(1)}..${Math.max(...ts).toFixed(1)} s)`,
    )
    .join(', ');
}

runProbe(main);
