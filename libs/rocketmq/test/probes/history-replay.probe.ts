/**
 * Replays of long logs from seq 0, many at once, as the chaos drill's audit does: SESSIONS sessions get
 * EVENTS events each, then one subscriber process subscribes all of them from seq 0 together. Prints, per
 * session that did not get its whole log within the deadline, where its read stopped; the subscribers
 * inherit the environment, so STALL_RECOVERY_MS sets their stall recovery.
 */
import { encodeSessionEvent } from '../../src';
import { PARENT_TOPIC, testSessionId } from '../support/broker-endpoints';
import { startRawProducer } from '../support/raw-producer';
import { runProbe } from './probe-main';
import { SubscriberProcess } from '../support/subscriber-process';

const SESSIONS = Number(process.env['SESSIONS'] ?? 20);
const EVENTS = Number(process.env['EVENTS'] ?? 300);
const DEADLINE_MS = 60_000;

async function main(): Promise<void> {
  const sessions = Array.from({ length: SESSIONS }, (_, i) => testSessionId(`replay${i}`));
  const producer = await startRawProducer();
  await Promise.all(
    sessions.map(async (liteTopic) => {
      for (let i = 0; i < EVENTS; i += 1) {
        await producer.send({ topic: PARENT_TOPIC, liteTopic, body: encodeSessionEvent({ type: 'token' }) });
      }
    }),
  );
  // HANDOFF=1: another process reads the logs first and stays subscribed, as the gateway that served the
  // sessions does when a client reconnects elsewhere; the measured reader then takes them over.
  const previous =
    process.env['HANDOFF'] === '1' ? SubscriberProcess.start({ sessionIds: sessions }) : undefined;
  if (previous) {
    await previous.ready(60_000);
    await previous.waitUntil(
      () => sessions.every((id) => previous.lastSeq(id) >= EVENTS - 1),
      DEADLINE_MS,
      'first read',
    );
  }
  const start = Date.now();
  const node = SubscriberProcess.start({ sessionIds: sessions, fromSeq: 0 });
  await node.ready(60_000);
  const whole = () => sessions.every((id) => node.lastSeq(id) >= EVENTS - 1);
  await node.waitUntil(whole, DEADLINE_MS, 'every log').catch(() => undefined);
  const short = sessions.filter((id) => node.lastSeq(id) < EVENTS - 1);
  const lastMs = Math.max(...node.events().map((e) => e.t)) - start;
  node.send('stats');
  const stats = await node.waitFor((l) => l.kind === 'stats', 10_000, 'stats');
  console.log(
    `[probe] ${SESSIONS} sessions x ${EVENTS} events from seq 0: ${SESSIONS - short.length} whole, ` +
      `${short.length} short (stopped at ${short.map((id) => node.lastSeq(id)).join(', ') || '-'}); ` +
      `last event at ${lastMs} ms; resyncs ${String(stats['stallRecoveries'])}, ` +
      `re-positions ${String(stats['stallRepositions'])}`,
  );
  await node.kill('SIGKILL');
  await previous?.kill('SIGKILL');
  await producer.shutdown();
}

runProbe(main);
