import { Logger } from '@nestjs/common';
import { type ChatSendRequest, decodeChatRequest } from '@litesession/chat-protocol';
import type { RocketMQProducer, SendOptions } from '@litesession/rocketmq';
import { InMemorySessionChannels } from '@litesession/rocketmq/testing';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import type { BrokerStatus } from '../session/broker-status';
import { SessionTurns } from '../session/session-turns';
import { RequestResender } from './request-resender';

/** Records the copies; fails while `failing`. */
class FakeProducer {
  readonly sent: Array<{ body: unknown; options: SendOptions }> = [];
  failing = false;
  async send(_topic: string, body: Buffer, options: SendOptions = {}): Promise<{ messageId: string }> {
    if (this.failing) throw new Error('broker unreachable');
    this.sent.push({ body: JSON.parse(body.toString('utf8')), options });
    return { messageId: `m${this.sent.length}` };
  }
}

describe('RequestResender', () => {
  const request: ChatSendRequest = {
    v: 1,
    kind: 'chat.send',
    sessionId: 's1',
    turnId: 't1',
    text: 'hi',
    ts: 1,
  };
  let producer: FakeProducer;
  let turns: SessionTurns;
  let socket: { connected: boolean };
  let resender: RequestResender;
  let metrics: GatewayMetrics;
  let broker: { current: 'ok' | 'unavailable'; outages: number; lastOutageEndedAt?: number };
  const resenderWith = (afterMs: number) =>
    new RequestResender(
      producer as unknown as RocketMQProducer,
      { afterMs, times: 2 },
      metrics,
      broker as unknown as BrokerStatus,
    );

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(() => {
    jest.useFakeTimers();
    producer = new FakeProducer();
    turns = new SessionTurns();
    socket = { connected: true };
    metrics = new GatewayMetrics(new InMemorySessionChannels());
    broker = { current: 'ok', outages: 0 };
    resender = resenderWith(1000);
    turns.queuedTurn('t1');
    resender.watch(socket, turns, request);
    // The broker was away right after the request was queued (what makes a copy worth sending).
    broker.outages = 1;
  });

  afterEach(() => {
    resender.onApplicationShutdown();
    jest.useRealTimers();
  });

  const copies = () => producer.sent.map((s) => decodeChatRequest(s.body));
  const outcome = async (name: string) =>
    (await metrics.requestResends.get()).values.find((v) => v.labels['outcome'] === name)?.value ?? 0;

  it('sends a copy marked resend in the session’s group once the log shows nothing of the turn for afterMs', async () => {
    await jest.advanceTimersByTimeAsync(999);
    expect(producer.sent).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(copies()).toEqual([{ ...request, resend: 1 }]);
    expect(producer.sent[0]?.options).toEqual({ messageGroup: 's1', keys: ['t1'] });
  });

  it('sends no copy while the turn makes progress, and one once it goes silent', async () => {
    turns.observe({ type: 'user.message', turnId: 't1', text: 'hi' });
    await jest.advanceTimersByTimeAsync(1000);
    turns.observe({ type: 'turn.started', turnId: 't1' });
    await jest.advanceTimersByTimeAsync(1000);
    expect(producer.sent).toEqual([]);
    await jest.advanceTimersByTimeAsync(1000);
    expect(copies()).toEqual([{ ...request, resend: 1 }]);
  });

  it('sends no copy without an outage for a turn that has begun, however long it is silent', async () => {
    resender.onApplicationShutdown();
    broker.outages = 3;
    resender = resenderWith(1000);
    resender.watch(socket, turns, request);
    turns.observe({ type: 'user.message', turnId: 't1', text: 'hi' });
    await jest.advanceTimersByTimeAsync(30_000);
    expect(producer.sent).toEqual([]);
    broker.current = 'unavailable';
    broker.outages = 4;
    await jest.advanceTimersByTimeAsync(1000);
    expect(copies()).toEqual([{ ...request, resend: 1 }]);
  });

  it('sends a copy without an outage once the log has shown nothing of the turn for 3 × afterMs', async () => {
    resender.onApplicationShutdown();
    broker.outages = 3;
    resender = resenderWith(1000);
    resender.watch(socket, turns, request);
    await jest.advanceTimersByTimeAsync(2_999);
    expect(producer.sent).toEqual([]);
    await jest.advanceTimersByTimeAsync(1_001);
    expect(copies()).toEqual([{ ...request, resend: 1 }]);
    expect(await outcome('sent')).toBe(1);
    // The next copy waits as long again after this one (sent at 3 s): at 6 s.
    await jest.advanceTimersByTimeAsync(1_000);
    expect(copies()).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(copies()).toEqual([
      { ...request, resend: 1 },
      { ...request, resend: 2 },
    ]);
  });

  it('counts an outage under way when the request is queued', async () => {
    resender.onApplicationShutdown();
    broker.current = 'unavailable';
    resender = resenderWith(1000);
    resender.watch(socket, turns, request);
    broker.current = 'ok';
    await jest.advanceTimersByTimeAsync(1000);
    expect(copies()).toEqual([{ ...request, resend: 1 }]);
  });

  it('counts an outage that ended shortly before the request was queued', async () => {
    resender.onApplicationShutdown();
    broker = { current: 'ok', outages: 2, lastOutageEndedAt: Date.now() - 5_000 };
    resender = resenderWith(1000);
    resender.watch(socket, turns, request);
    await jest.advanceTimersByTimeAsync(1000);
    expect(copies()).toEqual([{ ...request, resend: 1 }]);
  });

  it('does not count an outage that ended long before', async () => {
    resender.onApplicationShutdown();
    broker = { current: 'ok', outages: 2, lastOutageEndedAt: Date.now() - 120_000 };
    resender = resenderWith(1000);
    resender.watch(socket, turns, request);
    turns.observe({ type: 'user.message', turnId: 't1', text: 'hi' });
    await jest.advanceTimersByTimeAsync(10_000);
    expect(producer.sent).toEqual([]);
  });

  it('stops once the turn ends', async () => {
    turns.observe({ type: 'user.message', turnId: 't1', text: 'hi' });
    turns.observe({ type: 'turn.completed', turnId: 't1', text: 'done' });
    await jest.advanceTimersByTimeAsync(10_000);
    expect(producer.sent).toEqual([]);
  });

  it('stops once the socket is gone', async () => {
    socket.connected = false;
    await jest.advanceTimersByTimeAsync(10_000);
    expect(producer.sent).toEqual([]);
  });

  it('sends at most `times` copies, then forgets the turn so that the session may queue another', async () => {
    await jest.advanceTimersByTimeAsync(10_000);
    expect(copies().map((c) => c.kind === 'chat.send' && c.resend)).toEqual([1, 2]);
    expect(turns.busyWith()).toBeUndefined();
    expect(await outcome('sent')).toBe(2);
    expect(await outcome('given_up')).toBe(1);
  });

  it('tries a copy the broker refused again soon, as the same copy', async () => {
    resender.onApplicationShutdown();
    resender = resenderWith(10_000);
    broker.outages = 0;
    resender.watch(socket, turns, request);
    broker.outages = 1;
    producer.failing = true;
    await jest.advanceTimersByTimeAsync(10_000);
    producer.failing = false;
    await jest.advanceTimersByTimeAsync(2_000);
    expect(copies().map((c) => c.kind === 'chat.send' && c.resend)).toEqual([1]);
    expect(await outcome('failed')).toBe(1);
  });

  it('gives up after a bounded number of refused copies', async () => {
    producer.failing = true;
    await jest.advanceTimersByTimeAsync(200_000);
    expect(await outcome('failed')).toBe(60);
    expect(await outcome('given_up')).toBe(1);
    expect(turns.busyWith()).toBeUndefined();
  });
});
