/**
 * A session's LiteTopic is its ordered log, and `seq` is the position in it: verified against the real
 * RocketMQ 5.5 broker (started by tools/rocketmq), with subscribers in fresh OS processes.
 */
import type { INestApplicationContext } from '@nestjs/common';
import { encodeSessionEvent, type RocketMQProducer } from '../src';
import { PARENT_TOPIC, testSessionId } from './support/broker-endpoints';
import { startRawProducer } from './support/raw-producer';
import { expectContiguous, startPublisher } from './support/publisher';
import { SubscriberProcess } from './support/subscriber-process';

describe('session log on a real broker (seq = the LiteTopic offset)', () => {
  let app: INestApplicationContext;
  let producer: RocketMQProducer;
  const processes: SubscriberProcess[] = [];

  const subscriber = (sessionIds: string[], fromSeq: number) => {
    const process = SubscriberProcess.start({ sessionIds, fromSeq });
    processes.push(process);
    return process;
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

  describe('1,000 events in one session', () => {
    const sessionId = testSessionId('log1000');

    beforeAll(async () => {
      for (let i = 0; i < 1000; i += 1) {
        await producer.publish(sessionId, { type: 'token', text: `t${i}`, data: { i } });
      }
    });

    it.each([0, 500])(
      'a fresh process subscribing from seq %i gets exactly the rest, in order',
      async (fromSeq) => {
        const process = subscriber([sessionId], fromSeq);
        const started = Date.now();
        await process.waitUntil(
          () => process.events().length >= 1000 - fromSeq,
          60_000,
          `${1000 - fromSeq} events`,
        );
        // Anything extra (a duplicate) would arrive right behind the last event.
        await new Promise((resolve) => setTimeout(resolve, 1500));
        const events = process.events();
        expectContiguous(
          events.map((e) => e.seq as number),
          fromSeq,
          999,
        );
        expect(events.every((e) => (e.data as { i: number }).i === e.seq && e.text === `t${e.seq}`)).toBe(
          true,
        );
        console.log(
          `[measure] replay of ${1000 - fromSeq} events from seq ${fromSeq}: ${Date.now() - started} ms incl. process start`,
        );
      },
    );

    it('subscribing at the end delivers only what is published afterwards', async () => {
      const process = subscriber([sessionId], 1000);
      await process.waitFor((l) => l.kind === 'ready', 30_000, 'ready');
      for (let i = 0; i < 3; i += 1) await producer.publish(sessionId, { type: 'token', text: `late${i}` });
      await process.waitUntil(() => process.events().length >= 3, 30_000, '3 new events');
      expect(process.events().map((e) => [e.seq, e.text])).toEqual([
        [1000, 'late0'],
        [1001, 'late1'],
        [1002, 'late2'],
      ]);
    });
  });

  it("subscribing at the log's end (fromEnd, MAX offset) delivers only what is published afterwards", async () => {
    const sessionId = testSessionId('end');
    for (let i = 0; i < 300; i += 1) await producer.publish(sessionId, { type: 'token', text: `t${i}` });
    const process = SubscriberProcess.start({ sessionIds: [sessionId], fromSeq: 0, env: { FROM_END: '1' } });
    processes.push(process);
    await process.waitFor((l) => l.kind === 'ready', 30_000, 'ready');
    for (let i = 0; i < 3; i += 1) await producer.publish(sessionId, { type: 'token', text: `after${i}` });
    await process.waitUntil(() => process.events().length >= 3, 30_000, 'the events published after it');
    await new Promise((resolve) => setTimeout(resolve, 1000)); // anything extra would come right behind
    expect(process.events().map((e) => [e.seq, e.text])).toEqual([
      [300, 'after0'],
      [301, 'after1'],
      [302, 'after2'],
    ]);
    expect(process.lines.filter((l) => l.kind === 'gap')).toEqual([]);
  });

  it('each session counts its own seq from 0, however sessions interleave', async () => {
    const [a, b] = [testSessionId('ia'), testSessionId('ib')];
    for (let round = 0; round < 10; round += 1) {
      for (const [sessionId, count] of [
        [a, 3],
        [b, 2],
      ] as const) {
        for (let i = 0; i < count; i += 1)
          await producer.publish(sessionId, { type: 'token', text: `${round}.${i}` });
      }
    }

    const process = subscriber([a, b], 0);
    await process.waitUntil(() => process.events().length >= 50, 60_000, '50 events');
    expectContiguous(
      process.events(a).map((e) => e.seq as number),
      0,
      29,
    );
    expectContiguous(
      process.events(b).map((e) => e.seq as number),
      0,
      19,
    );
    expect(process.events(a).map((e) => e.text)).toEqual(
      Array.from({ length: 30 }, (_, k) => `${Math.floor(k / 3)}.${k % 3}`),
    );
  });

  it('the send receipt offset is the parent queue offset, not the seq; deliveries carry the seq', async () => {
    // The parent topic has 8 queues; 16 fresh sessions cannot all have a queue to themselves.
    const raw = await startRawProducer();
    const sessions = Array.from({ length: 16 }, (_, i) => testSessionId(`receipt${i}`));
    const receipts: number[][] = [];
    try {
      for (const liteTopic of sessions) {
        const offsets: number[] = [];
        for (let i = 0; i < 3; i += 1) {
          const body = encodeSessionEvent({ type: 'token' });
          offsets.push(Number((await raw.send({ topic: PARENT_TOPIC, liteTopic, body })).offset));
        }
        receipts.push(offsets);
      }
    } finally {
      await raw.shutdown();
    }
    expect(receipts.some((offsets) => offsets[0] !== 0)).toBe(true);

    const process = subscriber(sessions, 0);
    await process.waitUntil(() => process.events().length >= 48, 60_000, '48 events');
    for (const sessionId of sessions)
      expectContiguous(
        process.events(sessionId).map((e) => e.seq as number),
        0,
        2,
      );
  });

  it('a fromSeq past the end delivers nothing before it', async () => {
    const sessionId = testSessionId('ahead');
    for (let i = 0; i < 5; i += 1) await producer.publish(sessionId, { type: 'token' });
    const process = subscriber([sessionId], 8);
    await process.waitFor((l) => l.kind === 'ready', 30_000, 'ready');
    for (let i = 0; i < 6; i += 1) await producer.publish(sessionId, { type: 'token' }); // seq 5..10
    await process.waitUntil(() => process.events().length >= 3, 30_000, 'events 8..10');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expectContiguous(
      process.events().map((e) => e.seq as number),
      8,
      10,
    );
  });
});
