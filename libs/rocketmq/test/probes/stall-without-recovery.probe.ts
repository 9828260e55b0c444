/**
 * One consumer, 500 sessions x 20 events, published concurrently, with stall recovery OFF (or at the
 * STALL_RECOVERY_MS you pass). Prints deliveries per second after the first publish and when the last
 * event arrived, to show the lost-dispatch stalls of RocketMQ 5.5.0 and what the resync does about them.
 */
import { encodeSessionEvent } from '../../src';
import { PARENT_TOPIC, testSessionId } from '../support/broker-endpoints';
import { startRawProducer } from '../support/raw-producer';
import { runProbe } from './probe-main';
import { SubscriberProcess } from '../support/subscriber-process';

const SESSIONS = 500;
const EVENTS = 20;

async function main(): Promise<void> {
  const sessions = Array.from({ length: SESSIONS }, (_, i) => testSessionId(`stall${i}`));
  const producer = await startRawProducer();
  const recovery = process.env['STALL_RECOVERY_MS'] ?? '0';
  const node = SubscriberProcess.start({ sessionIds: sessions, env: { STALL_RECOVERY_MS: recovery } });
  await node.ready(60_000);
  const start = Date.now();
  await Promise.all(
    sessions.map(async (liteTopic) => {
      for (let i = 0; i < EVENTS; i += 1) {
        await producer.send({ topic: PARENT_TOPIC, liteTopic, body: encodeSessionEvent({ type: 'token' }) });
      }
    }),
  );
  const publishedMs = Date.now() - start;
  await node.waitUntil(() => node.events().length >= SESSIONS * EVENTS, 180_000, 'every event');
  const perSecond: number[] = [];
  for (const event of node.events()) {
    const second = Math.floor((event.t - start) / 1000);
    perSecond[second] = (perSecond[second] ?? 0) + 1;
  }
  node.send('stats');
  const stats = await node.waitFor((l) => l.kind === 'stats', 10_000, 'stats');
  const lastMs = Math.max(...node.events().map((e) => e.t)) - start;
  console.log(
    `[probe] stallRecoveryMs=${recovery}: published in ${publishedMs} ms, last event at ${lastMs} ms, ` +
      `resyncs ${String(stats['stallRecoveries'])}; deliveries per second: ${Array.from(perSecond, (n) => n ?? 0).join(' ')}`,
  );
  await node.kill('SIGKILL');
  await producer.shutdown();
}

runProbe(main);
