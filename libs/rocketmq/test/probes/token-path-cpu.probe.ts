/**
 * What one lite message costs the JVMs (issue 12's levers, docs/rocketmq.md "The token path's levers").
 * SESSIONS (10) sessions each get RATE (30) messages per second from a raw producer in this process, read
 * by a LiteSessionPushConsumer with the lever settings ACKS (1 = coalesced acks) and LINGER_MS (0).
 * After WARMUP_MS (3 s) it measures, over WINDOW_MS (10 s), the messages delivered per second and the
 * CPU that the NameServer, broker and proxy JVMs (found by their `litesession.rocketmq.role` flag) and
 * this process used. A fresh cluster spends its first minutes compiling: discard the first runs.
 *
 *   ACKS=1 npx tsx --tsconfig tsconfig.base.json libs/rocketmq/test/probes/run-probe.ts token-path-cpu 3
 *
 * The JVM levers (ROCKETMQ_GC, ROCKETMQ_PROXY_GRPC_EPOLL) are the cluster's: restart it to change them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { LiteReader, publish, sleep } from './lite-log';
import { runProbe } from './probe-main';
import { startRawProducer } from '../support/raw-producer';
import { testSessionId } from '../support/broker-endpoints';

const env = (name: string, fallback: string) => Number(process.env[name] ?? fallback);
const SESSIONS = env('SESSIONS', '10');
const RATE = env('RATE', '30');
const WARMUP_MS = env('WARMUP_MS', '3000');
const WINDOW_MS = env('WINDOW_MS', '10000');
/** Linux clock ticks per second (USER_HZ), the unit of /proc/<pid>/stat's CPU times. */
const TICKS_PER_SECOND = 100;

/** CPU ms used so far by each RocketMQ JVM, by role. */
function jvmCpuMs(): Map<string, number> {
  const used = new Map<string, number>();
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const role = /litesession\.rocketmq\.role=([a-z0-9-]+)/.exec(
        readFileSync(`/proc/${pid}/cmdline`, 'utf8'),
      );
      if (!role?.[1]) continue;
      // Fields after the command name, which is in parentheses: utime and stime are the 12th and 13th.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      const ticks = Number(fields[11]) + Number(fields[12]);
      used.set(role[1], (used.get(role[1]) ?? 0) + (ticks * 1000) / TICKS_PER_SECOND);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return used;
}

runProbe(async () => {
  const tuning = {
    receiveInvisibleMs: 3_000,
    coalesceAcks: env('ACKS', '0') === 1,
    receiveLingerMs: env('LINGER_MS', '0'),
  };
  const sessions = Array.from({ length: SESSIONS }, (_, i) => testSessionId(`cpu${i}`));
  const reader = await LiteReader.start(sessions, tuning);
  const producer = await startRawProducer();
  let running = true;
  let failures = 0;
  const senders = sessions.map(async (session) => {
    for (let n = 0; running; n += 1) {
      if (await publish(producer, session, n)) failures += 1;
      await sleep(1000 / RATE);
    }
  });
  await sleep(WARMUP_MS);
  const jvmBefore = jvmCpuMs();
  const ownBefore = process.cpuUsage();
  const readBefore = reader.reads.length;
  await sleep(WINDOW_MS);
  const delivered = reader.reads.length - readBefore;
  const own = process.cpuUsage(ownBefore);
  const jvmAfter = jvmCpuMs();
  running = false;
  await Promise.all(senders);
  const perSecond = (ms: number) => Math.round((ms * 1000) / WINDOW_MS);
  const jvm = [...jvmAfter].map(([role, ms]) => `${role} ${perSecond(ms - (jvmBefore.get(role) ?? ms))}`);
  const infraMs = [...jvmAfter].reduce((sum, [role, ms]) => sum + ms - (jvmBefore.get(role) ?? ms), 0);
  console.log(
    `[token-path-cpu] acks=${tuning.coalesceAcks ? 'coalesced' : 'each'} linger=${tuning.receiveLingerMs} ms ` +
      `sessions=${SESSIONS}×${RATE}/s: ${Math.round((delivered * 1000) / WINDOW_MS)} msg/s delivered, ` +
      `CPU ms/s: ${jvm.join(', ')}, probe ${perSecond((own.user + own.system) / 1000)}; ` +
      `JVMs ${(infraMs / Math.max(delivered, 1)).toFixed(2)} ms CPU per message; send failures ${failures}`,
  );
  await producer.shutdown();
  await reader.close();
});
