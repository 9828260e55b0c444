/**
 * One consumer, many sessions (the pattern of apache/rocketmq#11191): one process subscribed to 500
 * sessions while events are published to all of them at once. Every session must receive all of its
 * events in order, and none may stall.
 */
import type { INestApplicationContext } from '@nestjs/common';
import type { RocketMQProducer } from '../src';
import { testSessionId } from './support/broker-endpoints';
import { recordMeasurement } from '../src/lib/testing/measurements';
import { expectContiguous, startPublisher } from './support/publisher';
import { SubscriberProcess } from './support/subscriber-process';

const SESSIONS = 500;
const EVENTS_PER_SESSION = 20;

describe('one consumer process, many sessions', () => {
  let app: INestApplicationContext;
  let producer: RocketMQProducer;
  let node: SubscriberProcess | undefined;

  beforeAll(async () => {
    ({ app, producer } = await startPublisher());
  });

  afterAll(async () => {
    await node?.kill('SIGKILL');
    await app?.close();
  });

  it(`delivers ${EVENTS_PER_SESSION} events to each of ${SESSIONS} sessions, in order, none stalled`, async () => {
    const sessions = Array.from({ length: SESSIONS }, (_, i) => testSessionId(`m${i}`));
    node = SubscriberProcess.start({ sessionIds: sessions });
    const subscribing = await node.waitFor((l) => l.kind === 'started', 30_000, 'started');
    const ready = await node.ready(60_000);
    const subscribeAllMs = ready.t - subscribing.t;

    const started = Date.now();
    // Every session streams concurrently; within a session events are published one after another.
    await Promise.all(
      sessions.map(async (sessionId) => {
        for (let i = 0; i < EVENTS_PER_SESSION; i += 1) {
          await producer.publish(sessionId, { type: 'token', text: `${sessionId}:${i}` });
        }
      }),
    );
    const publishedMs = Date.now() - started;
    const p = node;
    await p.waitUntil(() => p.events().length >= SESSIONS * EVENTS_PER_SESSION, 120_000, 'all events');
    const deliveredMs = Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 1500)); // room for late duplicates

    for (const sessionId of sessions) {
      const events = p.events(sessionId);
      expectContiguous(
        events.map((e) => e.seq as number),
        0,
        EVENTS_PER_SESSION - 1,
      );
      expect(events.map((e) => e.text)).toEqual(events.map((e) => `${sessionId}:${e.seq}`));
    }
    p.send('stats');
    const stats = await p.waitFor((l) => l.kind === 'stats', 10_000, 'stats');
    expect(stats['sessions']).toBe(SESSIONS);
    recordMeasurement('one consumer, 500 sessions x 20 events', {
      subscribe500Ms: subscribeAllMs,
      publishMs: publishedMs,
      allDeliveredMs: deliveredMs,
      stallRecoveries: stats['stallRecoveries'] as number,
    });
  });
});
