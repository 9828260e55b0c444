/**
 * The session channels' lifecycle against the real broker, in this process: unsubscribe and re-subscribe,
 * a second listener that starts earlier, an undecodable message in a log, invalid ids, an unreachable
 * broker at start-up, and no client log files in the home folder.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Test, type TestingModule } from '@nestjs/testing';
import {
  InvalidSessionIdError,
  RocketMQModule,
  RocketMQStartupError,
  SessionChannels,
  type SessionEvent,
  type SessionEventDecodeError,
} from '../src';
import { brokerEndpoints, GATEWAY_GROUP, PARENT_TOPIC, testSessionId } from './support/broker-endpoints';
import { recordMeasurement } from '../src/lib/testing/measurements';
import { startRawProducer } from './support/raw-producer';
import { expectContiguous } from './support/publisher';
import { SubscriberProcess } from './support/subscriber-process';
import { eventually } from '../src/testing';

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('session channels lifecycle on a real broker', () => {
  let moduleRef: TestingModule;
  let channels: SessionChannels;

  beforeAll(async () => {
    moduleRef = await Test.createTestingModule({
      imports: [
        RocketMQModule.forRoot({
          endpoints: brokerEndpoints(),
          sessionChannels: { parentTopic: PARENT_TOPIC, consumerGroup: GATEWAY_GROUP },
        }),
      ],
    }).compile();
    moduleRef.useLogger(['error']);
    await moduleRef.init();
    channels = moduleRef.get(SessionChannels);
  });

  afterAll(async () => {
    await moduleRef?.close();
  });

  const collect = () => {
    const events: SessionEvent[] = [];
    return {
      events,
      listener: (event: SessionEvent) => events.push(event),
      seqs: () => events.map((e) => e.seq),
    };
  };

  it('unsubscribe stops delivery; subscribing again resumes from the requested seq', async () => {
    const sessionId = testSessionId('resub');
    const first = collect();
    const subscription = await channels.subscribe(sessionId, { fromSeq: 0 }, first.listener);
    for (let i = 0; i < 3; i += 1) await channels.publish(sessionId, { type: 'token', text: `a${i}` });
    await eventually(() => first.events.length === 3, 30_000, 'seq 0..2');

    await subscription.unsubscribe();
    await subscription.unsubscribe(); // idempotent
    for (let i = 0; i < 3; i += 1) await channels.publish(sessionId, { type: 'token', text: `b${i}` });
    await settle(2000);
    expectContiguous(first.seqs(), 0, 2);

    const second = collect();
    const again = await channels.subscribe(sessionId, { fromSeq: 3 }, second.listener);
    await eventually(() => second.events.length === 3, 30_000, 'seq 3..5');
    expect(second.events.map((e) => [e.seq, e.text])).toEqual([
      [3, 'b0'],
      [4, 'b1'],
      [5, 'b2'],
    ]);
    expect(channels.stats().sessions).toBeGreaterThanOrEqual(1);
    await again.unsubscribe();
  });

  it('a second listener that starts earlier gets its history; the first sees nothing twice', async () => {
    const sessionId = testSessionId('rewind');
    for (let i = 0; i < 10; i += 1) await channels.publish(sessionId, { type: 'token' });
    const late = collect();
    const early = collect();
    const a = await channels.subscribe(sessionId, { fromSeq: 5 }, late.listener);
    await eventually(() => late.events.length === 5, 30_000, 'seq 5..9 on the first listener');
    const b = await channels.subscribe(sessionId, { fromSeq: 0 }, early.listener);
    await eventually(() => early.events.length === 10, 30_000, 'seq 0..9 on the second listener');
    await channels.publish(sessionId, { type: 'token' });
    await eventually(() => late.events.length === 6 && early.events.length === 11, 30_000, 'seq 10 on both');
    await settle(1000);
    expectContiguous(late.seqs(), 5, 10);
    expectContiguous(early.seqs(), 0, 10);
    await Promise.all([a.unsubscribe(), b.unsubscribe()]);
  });

  it('an undecodable message is reported at its seq, logged, and the stream goes on', async () => {
    const sessionId = testSessionId('garbage');
    const raw = await startRawProducer();
    try {
      await raw.send({ topic: PARENT_TOPIC, liteTopic: sessionId, body: Buffer.from('not json {') });
      await raw.send({
        topic: PARENT_TOPIC,
        liteTopic: sessionId,
        body: Buffer.from('{"v":99,"type":"x","ts":1}'),
      });
    } finally {
      await raw.shutdown();
    }
    await channels.publish(sessionId, { type: 'token', text: 'fine' });
    const received = collect();
    const undecodable: Array<[number, SessionEventDecodeError['reason']]> = [];
    const subscription = await channels.subscribe(
      sessionId,
      { fromSeq: 0, onUndecodable: (seq, error) => undecodable.push([seq, error.reason]) },
      received.listener,
    );
    await eventually(() => received.events.length === 1, 30_000, 'the valid event');
    expect(undecodable).toEqual([
      [0, 'malformed'],
      [1, 'unsupported_version'],
    ]);
    expect(received.events.map((e) => [e.seq, e.text])).toEqual([[2, 'fine']]);
    await subscription.unsubscribe();
  });

  it('refuses an invalid session id with a typed error, before any broker call', async () => {
    await expect(channels.subscribe('chat/abc', {}, () => undefined)).rejects.toBeInstanceOf(
      InvalidSessionIdError,
    );
    await expect(channels.publish('x'.repeat(65), { type: 'token' })).rejects.toBeInstanceOf(
      InvalidSessionIdError,
    );
    expect(channels.isRunning()).toBe(true);
  });

  it('fails bootstrap with a clear message when the broker is unreachable', async () => {
    const unreachable = '127.0.0.1:1';
    const started = Date.now();
    const failing = await Test.createTestingModule({
      imports: [
        RocketMQModule.forRoot({
          endpoints: unreachable,
          startupTimeoutMs: 3000,
          sessionChannels: { parentTopic: PARENT_TOPIC, consumerGroup: GATEWAY_GROUP },
        }),
      ],
    }).compile();
    failing.useLogger(false);
    const error: unknown = await failing.init().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RocketMQStartupError);
    expect((error as Error).message).toContain(`RocketMQ proxy ${unreachable}`);
    expect((error as Error).message).toContain('Is the broker running');
    recordMeasurement('bootstrap failure with an unreachable broker', {
      failedAfterMs: Date.now() - started,
    });
    await failing.close().catch(() => undefined);
  });

  it('writes no client log files to the home folder', async () => {
    const home = mkdtempSync(path.join(tmpdir(), 'litesession-home-'));
    const sessionId = testSessionId('home');
    const node = SubscriberProcess.start({ sessionIds: [sessionId], env: { HOME: home } });
    try {
      await node.ready();
      await channels.publish(sessionId, { type: 'token' });
      await node.waitFor((l) => l.kind === 'event', 30_000, 'an event');
      expect(existsSync(path.join(home, 'logs'))).toBe(false);
    } finally {
      await node.kill('SIGKILL');
      rmSync(home, { recursive: true, force: true });
    }
  });
});
