/**
 * A session moves from node A to node B (both real OS processes on the real broker): after A is killed
 * with SIGKILL mid-stream, after A unsubscribes gracefully, and while A is still alive (Exclusive group:
 * the newest subscriber wins). B resumes from A's last delivered seq + 1 and nothing is lost. Nodes of two
 * different groups (a group per gateway node) both keep the session and each gets all of it.
 */
import type { INestApplicationContext } from '@nestjs/common';
import type { RocketMQProducer } from '../src';
import { SECOND_GATEWAY_GROUP, testSessionId } from './support/broker-endpoints';
import { recordMeasurement } from '../src/lib/testing/measurements';
import { expectContiguous, startPublisher } from './support/publisher';
import { SubscriberProcess } from './support/subscriber-process';

const TOTAL = 200;
const PUBLISH_INTERVAL_MS = 10;

describe('session takeover between processes', () => {
  let app: INestApplicationContext;
  let producer: RocketMQProducer;
  const processes: SubscriberProcess[] = [];
  const node = (sessionIds: string[] = [], env: Record<string, string> = {}) => {
    const process = SubscriberProcess.start({ sessionIds, env });
    processes.push(process);
    return process;
  };

  /** Publishes TOTAL events to the session, one every PUBLISH_INTERVAL_MS, like a model streaming tokens. */
  const stream = async (sessionId: string) => {
    for (let i = 0; i < TOTAL; i += 1) {
      await producer.publish(sessionId, { type: 'token', text: `w${i} `, data: { i } });
      await new Promise((resolve) => setTimeout(resolve, PUBLISH_INTERVAL_MS));
    }
  };

  beforeAll(async () => {
    ({ app, producer } = await startPublisher());
  });

  afterEach(async () => {
    await Promise.all(processes.splice(0).map((p) => p.kill('SIGKILL')));
  });

  afterAll(async () => {
    await app?.close();
  });

  /** B subscribes from A's last seq + 1; returns how long B waited for its first event. */
  const takeOver = async (
    a: SubscriberProcess,
    b: SubscriberProcess,
    sessionId: string,
    streaming: Promise<void>,
  ) => {
    const fromSeq = a.lastSeq(sessionId) + 1;
    b.send(`subscribe ${sessionId} ${fromSeq}`);
    const start = await b.waitFor((l) => l.kind === 'subscribe-start', 10_000, 'subscribe-start');
    const first = await b.waitFor((l) => l.kind === 'event', 30_000, 'the first event on B');
    await streaming;
    await b.waitUntil(() => b.lastSeq(sessionId) === TOTAL - 1, 60_000, `seq ${TOTAL - 1} on B`);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // room for a late duplicate to show up
    expectContiguous(
      a.events(sessionId).map((e) => e.seq as number),
      0,
      fromSeq - 1,
    );
    expectContiguous(
      b.events(sessionId).map((e) => e.seq as number),
      fromSeq,
      TOTAL - 1,
    );
    expect(b.events(sessionId).every((e) => e.text === `w${e.seq} `)).toBe(true);
    return { fromSeq, waitMs: first.t - start.t };
  };

  it('after SIGKILL of A mid-stream, B resumes from A’s last seq + 1 with nothing lost', async () => {
    const sessionId = testSessionId('kill');
    const [a, b] = [node([sessionId]), node()];
    await Promise.all([a.ready(), b.ready()]);
    const streaming = stream(sessionId);
    await a.waitUntil(() => a.events(sessionId).length >= 60, 30_000, '60 events on A');
    await a.kill('SIGKILL');
    const { fromSeq, waitMs } = await takeOver(a, b, sessionId, streaming);
    recordMeasurement('takeover after SIGKILL', { fromSeq, firstEventWaitMs: waitMs });
    expect(waitMs).toBeLessThan(10_000);
  });

  it('after A unsubscribes gracefully, B resumes from A’s last seq + 1 with nothing lost', async () => {
    const sessionId = testSessionId('graceful');
    const [a, b] = [node([sessionId]), node()];
    await Promise.all([a.ready(), b.ready()]);
    const streaming = stream(sessionId);
    await a.waitUntil(() => a.events(sessionId).length >= 60, 30_000, '60 events on A');
    a.send('unsubscribe');
    await a.waitFor((l) => l.kind === 'unsubscribed', 10_000, 'unsubscribed');
    const { fromSeq, waitMs } = await takeOver(a, b, sessionId, streaming);
    recordMeasurement('takeover after graceful unsubscribe', { fromSeq, firstEventWaitMs: waitMs });
    expect(waitMs).toBeLessThan(10_000);
  });

  it('a live A is evicted when B subscribes (Exclusive group) and is told so', async () => {
    const sessionId = testSessionId('evict');
    const [a, b] = [node([sessionId]), node()];
    await Promise.all([a.ready(), b.ready()]);
    const streaming = stream(sessionId);
    await a.waitUntil(() => a.events(sessionId).length >= 60, 30_000, '60 events on A');
    b.send(`subscribe ${sessionId} ${a.lastSeq(sessionId) + 1}`);
    const revoked = await a.waitFor((l) => l.kind === 'revoked', 15_000, 'revocation on A');
    expect(revoked).toMatchObject({ sessionId, reason: 'taken_over' });
    const subscribedAt = (await b.waitFor((l) => l.kind === 'subscribe-start', 10_000, 'subscribe-start')).t;
    recordMeasurement('eviction notice to the previous node', { revokedAfterMs: revoked.t - subscribedAt });
    await streaming;
    await b.waitUntil(() => b.lastSeq(sessionId) === TOTAL - 1, 60_000, `seq ${TOTAL - 1} on B`);
    // Between B's subscribe and A noticing, both may have been handed events; together they have all,
    // each in order, and B alone has everything from where it started.
    const fromSeq = b.events(sessionId)[0]?.seq as number;
    expectContiguous(
      b.events(sessionId).map((e) => e.seq as number),
      fromSeq,
      TOTAL - 1,
    );
    const aSeqs = a.events(sessionId).map((e) => e.seq as number);
    expectContiguous(aSeqs, 0, aSeqs.length - 1);
    expect(aSeqs.length).toBeGreaterThanOrEqual(fromSeq);
  });

  it('nodes of two groups both keep a session and each gets every event of it, live, none evicted', async () => {
    const sessionId = testSessionId('two-groups');
    const [a, b] = [node([sessionId]), node([], { CONSUMER_GROUP: SECOND_GATEWAY_GROUP })];
    await Promise.all([a.ready(), b.ready()]);
    const streaming = stream(sessionId);
    await a.waitUntil(() => a.events(sessionId).length >= 60, 30_000, '60 events on A');
    const joinedAt = a.lastSeq(sessionId) + 1;
    b.send(`subscribe ${sessionId} 0`);
    await b.waitFor((l) => l.kind === 'subscribed', 10_000, 'subscribed on B');
    await streaming;
    await a.waitUntil(() => a.lastSeq(sessionId) === TOTAL - 1, 60_000, `seq ${TOTAL - 1} on A`);
    await b.waitUntil(() => b.lastSeq(sessionId) === TOTAL - 1, 60_000, `seq ${TOTAL - 1} on B`);
    // Longer than the revocation check (2 s): an eviction would have shown by now.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    for (const subscriber of [a, b]) {
      expectContiguous(
        subscriber.events(sessionId).map((e) => e.seq as number),
        0,
        TOTAL - 1,
      );
      expect(subscriber.lines.some((l) => l.kind === 'revoked')).toBe(false);
    }
    expect(joinedAt).toBeGreaterThan(0); // B joined a session A was already reading
  });
});
