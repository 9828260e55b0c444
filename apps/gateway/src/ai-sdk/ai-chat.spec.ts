import type { Server } from 'node:http';
import { type INestApplication, Logger } from '@nestjs/common';
import { DefaultChatTransport, readUIMessageStream, type UIMessage, type UIMessageChunk } from 'ai';
import { decodeChatRequest } from '@litesession/chat-protocol';
import { InMemorySessionChannels } from '@litesession/rocketmq/testing';
import { SessionsController } from '../http/sessions.controller';
import { FakeProducer } from '../testing/fake-producer';
import { httpFaceApp } from '../testing/http-face-testing-module';
import { AiChatController } from './ai-chat.controller';

describe('the AI SDK chat endpoint (in-memory channels, the real ai package)', () => {
  let app: INestApplication;
  let url: string;
  let producer: FakeProducer;
  let channels: InMemorySessionChannels;

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(async () => {
    producer = new FakeProducer();
    channels = new InMemorySessionChannels();
    app = await httpFaceApp({
      controllers: [SessionsController, AiChatController],
      channels,
      producer,
      maxTextChars: 100,
    });
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
