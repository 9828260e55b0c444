import { BrokerStatus } from '../session/broker-status';
import { SessionTurnsRegistry } from '../session/session-turns';
import { type INestApplication, Logger } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { Test } from '@nestjs/testing';
import { io, type Socket as ClientSocket } from 'socket.io-client';
import { decodeChatRequest } from '@litesession/chat-protocol';
import { turnIdFor } from './turn-id';
import { RocketMQProducer, SessionChannels } from '@litesession/rocketmq';
import { FakeProducer } from '../testing/fake-producer';
import { InMemorySessionChannels } from '@litesession/rocketmq/testing';
import { CHAT_LIMITS, DRAIN_GRACE_MS, GATEWAY_NODE_ID, REQUEST_RESENDS } from '../config/gateway.tokens';
import { DrainState } from '../health/drain-state';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { AdmissionModule } from '../admission/admission.module';
import { validateGatewayEnv } from '../config/gateway.env';
import { SessionGateway } from '../session/session.gateway';
import { ChatGateway } from './chat.gateway';
import { TurnRequests } from './turn-requests';
import { RequestResender } from './request-resender';
import { SessionLogReader } from '../session/session-log-reader';

describe('ChatGateway (chat.send)', () => {
  let app: INestApplication;
  let producer: FakeProducer;
  let channels: InMemorySessionChannels;
  let client: ClientSocket;
  let sessionId: string;

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(async () => {
    producer = new FakeProducer();
    channels = new InMemorySessionChannels();
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          validate: () => validateGatewayEnv({ SESSION_SECRET: 'x'.repeat(32), AUTH_MODE: 'anonymous' }),
        }),
        AdmissionModule.forRoot(),
      ],
      providers: [
        SessionGateway,
        SessionLogReader,
        ChatGateway,
        { provide: SessionChannels, useValue: channels },
        { provide: RocketMQProducer, useValue: producer },
        { provide: GATEWAY_NODE_ID, useValue: 'node-a' },
        DrainState,
        { provide: DRAIN_GRACE_MS, useValue: 50 },
        GatewayMetrics,
        SessionTurnsRegistry,
        RequestResender,
        TurnRequests,
        { provide: REQUEST_RESENDS, useValue: { afterMs: 600_000, times: 0 } },
        BrokerStatus,
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
      turnId: string;
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
    ['a null clientMessageId', { text: 'hi', clientMessageId: null }],
    ['a nested object with a constructor key', { text: { constructor: { name: 'x' } } }],
    ['a __proto__ key', JSON.parse('{"text": "hi", "__proto__": {"admin": true}}')],
    ['an array', [{ text: 'hi' }]],
    ['deep nesting', JSON.parse('{"text":' + '['.repeat(500) + ']'.repeat(500) + '}')],
    ['binary data', { text: Buffer.from('hi') }],
  ])('refuses %s with invalid_payload, queues nothing and keeps the connection', async (_, payload) => {
    const ack = await send(payload);
    expect(ack).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    expect(producer.sent).toEqual([]);
    expect(client.connected).toBe(true);
  });

  it('answers rate_limited beyond the per-socket rate', async () => {
    const acks = [];
    for (let i = 0; i < 7; i += 1) acks.push(await send({ text: `m${i}` }));
    expect(acks.map((a) => a.error?.code)).toEqual([
      undefined,
      ...Array(4).fill('turn_in_progress'),
      'rate_limited',
      'rate_limited',
    ]);
  });

  it('refuses a second turn while one is queued or running, and accepts it once the log ends the first', async () => {
    const first = await send({ text: 'one' });
    expect(await send({ text: 'two' })).toMatchObject({ ok: false, error: { code: 'turn_in_progress' } });
    await channels.publish(sessionId, { type: 'user.message', turnId: first.turnId, text: 'one' });
    await channels.publish(sessionId, { type: 'turn.started', turnId: first.turnId });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await send({ text: 'two' })).toMatchObject({ ok: false, error: { code: 'turn_in_progress' } });
    await channels.publish(sessionId, { type: 'turn.completed', turnId: first.turnId, text: 'done' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await send({ text: 'two' })).toMatchObject({ ok: true });
    expect(producer.sent).toHaveLength(2);
  });

  it('answers a repeated clientMessageId with the same turn and queues it once', async () => {
    const acks = [
      await send({ text: 'hi', clientMessageId: 'c-7' }),
      await send({ text: 'hi', clientMessageId: 'c-7' }),
    ];
    expect(acks).toEqual([
      { ok: true, turnId: turnIdFor(sessionId, 'c-7') },
      { ok: true, turnId: turnIdFor(sessionId, 'c-7') },
    ]);
    expect(producer.sent).toHaveLength(1);
  });

  it('cancels a queued turn through the session control channel, and refuses unknown turns', async () => {
    const cancel = (payload: unknown) =>
      client.timeout(5000).emitWithAck('chat.cancel', payload) as Promise<{
        ok: boolean;
        error?: { code: string };
      }>;
    expect(await cancel({ turnId: 't-nope' })).toMatchObject({ ok: false, error: { code: 'unknown_turn' } });
    const { turnId } = await send({ text: 'long one' });
    expect(await cancel({ turnId })).toEqual({ ok: true });
    expect(producer.published).toEqual([
      { sessionId, event: { type: 'turn.cancel', turnId }, options: { parentTopic: 'chat-control' } },
    ]);
    expect(await cancel({ turnId: 42 })).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    expect(await cancel({ turnId, extra: 1 })).toMatchObject({
      ok: false,
      error: { code: 'invalid_payload' },
    });
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
