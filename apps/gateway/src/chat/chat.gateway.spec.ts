import { type INestApplication, Logger } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { Test } from '@nestjs/testing';
import { io, type Socket as ClientSocket } from 'socket.io-client';
import { decodeChatRequest, turnIdFor } from '@litesession/chat-protocol';
import { RocketMQProducer, SessionChannels, type SendOptions } from '@litesession/rocketmq';
import { InMemorySessionChannels } from '@litesession/rocketmq/testing';
import { CHAT_LIMITS, DRAIN_GRACE_MS, GATEWAY_NODE_ID } from '../config/gateway.tokens';
import { DrainState } from '../health/drain-state';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { ResumeTokens } from '../session/resume-token';
import { SessionGateway } from '../session/session.gateway';
import { ChatGateway } from './chat.gateway';

/** Stands in for the producer: records what chat.send queued, or fails on demand. */
class FakeProducer {
  readonly sent: Array<{ topic: string; body: unknown; options: SendOptions }> = [];
  failure: Error | undefined;
  async send(topic: string, body: Buffer, options: SendOptions = {}): Promise<{ messageId: string }> {
    if (this.failure) throw this.failure;
    this.sent.push({ topic, body: JSON.parse(body.toString('utf8')), options });
    return { messageId: `m${this.sent.length}` };
  }
}

describe('ChatGateway (chat.send)', () => {
  let app: INestApplication;
  let producer: FakeProducer;
  let client: ClientSocket;
  let sessionId: string;

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(async () => {
    producer = new FakeProducer();
    const moduleRef = await Test.createTestingModule({
      providers: [
        SessionGateway,
        ChatGateway,
        { provide: SessionChannels, useValue: new InMemorySessionChannels() },
        { provide: RocketMQProducer, useValue: producer },
        { provide: ResumeTokens, useValue: new ResumeTokens('x'.repeat(32)) },
        { provide: GATEWAY_NODE_ID, useValue: 'node-a' },
        DrainState,
        { provide: DRAIN_GRACE_MS, useValue: 50 },
        GatewayMetrics,
        { provide: CHAT_LIMITS, useValue: { maxTextChars: 20, eventsPerSecond: 5 } },
      ],
    }).compile();
    app = moduleRef.createNestApplication();
    app.useWebSocketAdapter(new IoAdapter(app));
    await app.listen(0, '127.0.0.1');
    client = io(await app.getUrl(), { transports: ['websocket'], reconnection: false, forceNew: true });
    sessionId = (await new Promise<{ sessionId: string }>((resolve) => client.once('session', resolve)))
      .sessionId;
  });

  afterEach(async () => {
    client.disconnect();
    await app.close();
  });

  const send = (payload: unknown) =>
    client.timeout(5000).emitWithAck('chat.send', payload) as Promise<{
      ok: boolean;
      turnId?: string;
      error?: { code: string };
    }>;

  it('queues the request for the scheduler in the session’s FIFO group and acks the turn', async () => {
    const ack = await send({ text: 'hello', clientMessageId: 'c-1' });

    expect(ack).toEqual({ ok: true, turnId: turnIdFor(sessionId, 'c-1') });
    expect(producer.sent).toHaveLength(1);
    expect(producer.sent[0]).toMatchObject({
      topic: 'chat-requests',
      options: { messageGroup: sessionId, keys: [ack.turnId] },
    });
    expect(decodeChatRequest(producer.sent[0]?.body)).toMatchObject({
      kind: 'chat.send',
      sessionId,
      turnId: ack.turnId,
      text: 'hello',
      clientMessageId: 'c-1',
    });
  });

  it('names the same turn when a send is retried with the same clientMessageId', async () => {
    const [first, second] = [
      await send({ text: 'hi', clientMessageId: 'again' }),
      await send({ text: 'hi', clientMessageId: 'again' }),
    ];
    expect(second.turnId).toBe(first.turnId);
  });

  it.each([
    ['a missing text', {}],
    ['a non-string text', { text: 42 }],
    ['an empty text', { text: '' }],
    ['a text over the configured limit', { text: 'x'.repeat(21) }],
    ['a huge text', { text: 'x'.repeat(200_000) }],
    ['an unknown field', { text: 'hi', admin: true }],
    ['a malformed clientMessageId', { text: 'hi', clientMessageId: 'a b' }],
    ['a string payload', 'hello'],
    ['no payload', undefined],
  ])('refuses %s with invalid_payload, queues nothing and keeps the connection', async (_, payload) => {
    const ack = await send(payload);
    expect(ack).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    expect(producer.sent).toEqual([]);
    expect(client.connected).toBe(true);
  });

  it('answers rate_limited beyond the per-socket rate', async () => {
    const acks = [];
    for (let i = 0; i < 7; i += 1) acks.push(await send({ text: `m${i}` }));
    expect(acks.filter((a) => a.ok)).toHaveLength(5);
    expect(acks.slice(5).map((a) => a.error?.code)).toEqual(['rate_limited', 'rate_limited']);
  });

  it('answers unavailable when the request cannot be queued', async () => {
    producer.failure = new Error('broker busy');
    expect(await send({ text: 'hi' })).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(client.connected).toBe(true);
  });

  it('ignores events it does not know and stays usable', async () => {
    client.emit('chat.unknown', { x: 1 });
    client.emit('exception', 'spoof');
    expect(await send({ text: 'still here' })).toMatchObject({ ok: true });
  });
});
