import type { Server } from 'node:http';
import { type INestApplication, Logger } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { DefaultChatTransport, readUIMessageStream, type UIMessage, type UIMessageChunk } from 'ai';
import { decodeChatRequest } from '@litesession/chat-protocol';
import { RocketMQProducer, SessionChannels, type SendOptions } from '@litesession/rocketmq';
import { InMemorySessionChannels } from '@litesession/rocketmq/testing';
import { AdmissionModule } from '../admission/admission.module';
import { RequestResender } from '../chat/request-resender';
import { TurnRequests } from '../chat/turn-requests';
import { validateGatewayEnv } from '../config/gateway.env';
import { CHAT_LIMITS, DRAIN_GRACE_MS, GATEWAY_NODE_ID, REQUEST_RESENDS } from '../config/gateway.tokens';
import { DrainState } from '../health/drain-state';
import { HttpAdmission } from '../http/http-admission';
import { HttpErrorFilter } from '../http/http-error.filter';
import { SessionStreams } from '../http/session-streams';
import { SessionsController } from '../http/sessions.controller';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { BrokerStatus } from '../session/broker-status';
import { SessionLogReader } from '../session/session-log-reader';
import { AiChatController } from './ai-chat.controller';

/** Stands in for the producer; `onSend` plays the scheduler for each queued request. */
class FakeProducer {
  readonly sent: Array<{ topic: string; body: unknown; options: SendOptions }> = [];
  onSend: (request: { sessionId: string; turnId: string; text: string }) => void = () => undefined;
  async publish(): Promise<{ messageId: string }> {
    return { messageId: 'p' };
  }
  async send(topic: string, body: Buffer, options: SendOptions = {}): Promise<{ messageId: string }> {
    const decoded: unknown = JSON.parse(body.toString('utf8'));
    this.sent.push({ topic, body: decoded, options });
    const request = decodeChatRequest(decoded);
    if (request.kind === 'chat.send') setTimeout(() => this.onSend(request), 20);
    return { messageId: `m${this.sent.length}` };
  }
}

describe('the AI SDK chat endpoint (in-memory channels, the real ai package)', () => {
  let app: INestApplication;
  let url: string;
  let producer: FakeProducer;
  let channels: InMemorySessionChannels;

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
      controllers: [SessionsController, AiChatController],
      providers: [
        { provide: SessionChannels, useValue: channels },
        { provide: RocketMQProducer, useValue: producer },
        { provide: GATEWAY_NODE_ID, useValue: 'node-a' },
        { provide: DRAIN_GRACE_MS, useValue: 50 },
        { provide: REQUEST_RESENDS, useValue: { afterMs: 600_000, times: 0 } },
        { provide: CHAT_LIMITS, useValue: { maxTextChars: 100, eventsPerSecond: 5 } },
        { provide: APP_FILTER, useClass: HttpErrorFilter },
        DrainState,
        GatewayMetrics,
        BrokerStatus,
        RequestResender,
        TurnRequests,
        SessionLogReader,
        HttpAdmission,
        SessionStreams,
      ],
    }).compile();
    app = moduleRef.createNestApplication();
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
  });

  afterEach(async () => {
    const server = app.getHttpServer() as Server;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await app.close();
  });

  /** Plays a scheduler: writes the turn's events into the session's log, as apps/llm-scheduler does. */
  const answerWith = (words: string[], ending: 'turn.completed' | 'turn.failed' = 'turn.completed') => {
    producer.onSend = ({ sessionId, turnId, text }) => {
      void (async () => {
        const data = { attempt: 'a1' };
        await channels.publish(sessionId, { type: 'user.message', turnId, text, data });
        await channels.publish(sessionId, { type: 'turn.started', turnId, data });
        for (const word of words)
          await channels.publish(sessionId, { type: 'token', turnId, text: word, data });
        await channels.publish(sessionId, { type: ending, turnId, text: words.join(''), data });
      })();
    };
  };

  const newSession = async () => {
    const response = await fetch(`${url}/v1/sessions`, { method: 'POST' });
    return (await response.json()) as { sessionId: string; resumeToken: string };
  };

  const transportFor = (session: { resumeToken: string }) =>
    new DefaultChatTransport<UIMessage>({
      api: `${url}/v1/ai/chat`,
      headers: { 'X-Resume-Token': session.resumeToken },
    });

  const userMessage = (id: string, text: string): UIMessage => ({
    id,
    role: 'user',
    parts: [{ type: 'text', text }],
  });

  async function lastMessageOf(stream: ReadableStream<UIMessageChunk>): Promise<UIMessage | undefined> {
    let last: UIMessage | undefined;
    for await (const message of readUIMessageStream({ stream, terminateOnError: true })) last = message;
    return last;
  }

  const textOf = (message: UIMessage | undefined) =>
    (message?.parts ?? []).flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('');

  it('answers DefaultChatTransport.sendMessages with the turn as a UI message stream', async () => {
    const session = await newSession();
    answerWith(['Hello', ', ', 'world']);
    const stream = await transportFor(session).sendMessages({
      chatId: session.sessionId,
      messages: [userMessage('msg-1', 'hi')],
      trigger: 'submit-message',
      messageId: undefined,
      abortSignal: undefined,
    });
    const message = await lastMessageOf(stream);
    expect(textOf(message)).toBe('Hello, world');
    expect(message?.role).toBe('assistant');
    expect(decodeChatRequest(producer.sent[0]?.body)).toMatchObject({ text: 'hi', clientMessageId: 'msg-1' });
  });

  it('reconnectToStream replays the running turn from its start, then streams it live', async () => {
    const session = await newSession();
    const turnId = 't-running';
    const data = { attempt: 'a1' };
    await channels.publish(session.sessionId, { type: 'user.message', turnId, text: 'q', data });
    await channels.publish(session.sessionId, { type: 'turn.started', turnId, data });
    await channels.publish(session.sessionId, { type: 'token', turnId, text: 'part one', data });
    const stream = await transportFor(session).reconnectToStream({ chatId: session.sessionId });
    expect(stream).not.toBeNull();
    const folded = lastMessageOf(stream as ReadableStream<UIMessageChunk>);
    await channels.publish(session.sessionId, { type: 'token', turnId, text: ' and two', data });
    await channels.publish(session.sessionId, {
      type: 'turn.completed',
      turnId,
      text: 'part one and two',
      data,
    });
    expect(textOf(await folded)).toBe('part one and two');
  });

  it('reconnectToStream replays a turn that ended in the last minute, whole', async () => {
    const session = await newSession();
    answerWith(['done', ' now']);
    const first = await transportFor(session).sendMessages({
      chatId: session.sessionId,
      messages: [userMessage('msg-1', 'hi')],
      trigger: 'submit-message',
      messageId: undefined,
      abortSignal: undefined,
    });
    await lastMessageOf(first);
    const again = await transportFor(session).reconnectToStream({ chatId: session.sessionId });
    expect(textOf(await lastMessageOf(again as ReadableStream<UIMessageChunk>))).toBe('done now');
  });

  it('reconnectToStream answers 204 (null) for an empty log and for a turn that ended long ago', async () => {
    const empty = await newSession();
    await expect(transportFor(empty).reconnectToStream({ chatId: empty.sessionId })).resolves.toBeNull();
    const old = await newSession();
    const data = { attempt: 'a1' };
    const longAgo = Date.now() - 10 * 60_000;
    await channels.publish(old.sessionId, {
      type: 'user.message',
      turnId: 't-old',
      text: 'q',
      data,
      ts: longAgo,
    });
    await channels.publish(old.sessionId, {
      type: 'turn.completed',
      turnId: 't-old',
      text: 'a',
      data,
      ts: longAgo,
    });
    await expect(transportFor(old).reconnectToStream({ chatId: old.sessionId })).resolves.toBeNull();
  });

  it('ends a failed turn with the SDK error that names the reason', async () => {
    const session = await newSession();
    producer.onSend = ({ sessionId, turnId }) => {
      void channels.publish(sessionId, { type: 'turn.failed', turnId, text: 'the model timed out' });
    };
    const stream = await transportFor(session).sendMessages({
      chatId: session.sessionId,
      messages: [userMessage('msg-1', 'hi')],
      trigger: 'submit-message',
      messageId: undefined,
      abortSignal: undefined,
    });
    await expect(lastMessageOf(stream)).rejects.toThrow('the model timed out');
  });

  it.each([
    ['a chat id that is no session', (s: { sessionId: string }) => ({ id: `${s.sessionId}x` }), 404],
    [
      'a last message that is not the user’s',
      () => ({ messages: [{ id: 'a', role: 'assistant', parts: [] }] }),
      400,
    ],
    ['a user message without text', () => ({ messages: [{ id: 'a', role: 'user', parts: [] }] }), 400],
    ['regenerate', () => ({ trigger: 'regenerate-message' }), 400],
    ['an unknown field', () => ({ admin: true }), 400],
  ])('refuses %s with a typed error', async (_, change, status) => {
    const session = await newSession();
    const body = {
      id: session.sessionId,
      messages: [userMessage('m', 'hi')],
      trigger: 'submit-message',
      ...change(session),
    };
    const response = await fetch(`${url}/v1/ai/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-resume-token': session.resumeToken },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ error: { code: expect.any(String) } });
    expect(producer.sent).toHaveLength(0);
  });
});
