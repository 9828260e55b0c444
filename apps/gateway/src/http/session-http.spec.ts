import type { INestApplication } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { CancelTurn, decodeChatRequest } from '@litesession/chat-protocol';
import { eventually, InMemorySessionChannels } from '@litesession/rocketmq/testing';
import { turnIdFor } from '../chat/turn-id';
import { FakeProducer } from '../testing/fake-producer';
import { httpFaceApp } from '../testing/http-face-testing-module';
import { corsOptions } from './cors-options';
import { SessionEventsController } from './session-events.controller';
import { SessionsController } from './sessions.controller';

/** Any answer of the routes: the fields the tests read. */
interface Answer {
  turnId?: string;
  error?: { code: string; message: string };
}

interface Created {
  sessionId: string;
  resumeToken: string;
  resumeTokenExpiresAt: number;
  node: string;
}

/** An SSE stream read with eventsource-parser, the parser the AI SDK uses. */
interface OpenStream {
  status: number;
  headers: Headers;
  events: EventSourceMessage[];
  ended: Promise<void>;
  close(): void;
}

describe('the HTTP/SSE face (in-memory channels)', () => {
  let app: INestApplication;
  let url: string;
  let producer: FakeProducer;
  let channels: InMemorySessionChannels;
  const streams: OpenStream[] = [];

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(async () => {
    producer = new FakeProducer();
    channels = new InMemorySessionChannels();
    app = await httpFaceApp({
      controllers: [SessionsController, SessionEventsController],
      channels,
      producer,
      maxTextChars: 20,
    });
    app.enableCors(corsOptions('http://page.example'));
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
  });

  afterEach(async () => {
    streams.splice(0).forEach((stream) => stream.close());
    // Closed before Nest's shutdown: else close() waits out a 4 s keep-alive of the streams' connections.
    const server = app.getHttpServer() as import('node:http').Server;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await app.close();
  });

  const post = async (path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as Answer };
  };

  const create = async (): Promise<Created> => {
    const { status, body } = await post('/v1/sessions');
    expect(status).toBe(201);
    return body as unknown as Created;
  };

  const open = async (path: string, headers: Record<string, string> = {}): Promise<OpenStream> => {
    const abort = new AbortController();
    const response = await fetch(`${url}${path}`, { headers, signal: abort.signal });
    const events: EventSourceMessage[] = [];
    const ended = (async () => {
      if (!response.body || response.headers.get('content-type')?.startsWith('application/json')) return;
      const parser = createParser({ onEvent: (event) => events.push(event) });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          parser.feed(value);
        }
      } catch {
        // aborted by close()
      }
    })();
    const stream = {
      status: response.status,
      headers: response.headers,
      events,
      ended,
      close: () => abort.abort(),
    };
    streams.push(stream);
    return stream;
  };

  const eventsOf = (session: Created, headers: Record<string, string> = {}) =>
    open(`/v1/sessions/${session.sessionId}/events`, { 'x-resume-token': session.resumeToken, ...headers });

  const until = (check: () => boolean, what: string) => eventually(check, 5_000, what);

  const chatEvents = (stream: OpenStream) =>
    stream.events.filter((event) => event.event === 'chat.event').map((event) => JSON.parse(event.data));

  it('lets a page of a CORS_ORIGINS origin send the protocol’s headers', async () => {
    const preflight = await fetch(`${url}/v1/sessions/s/messages`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://page.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'x-resume-token,idempotency-key,content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://page.example');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('x-resume-token');
    const other = await fetch(`${url}/v1/sessions`, {
      method: 'POST',
      headers: { origin: 'http://evil.example' },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('creates a session with a resume token', async () => {
    const session = await create();
    expect(session).toMatchObject({ node: 'node-a', sessionId: expect.stringMatching(/^[A-Za-z0-9_-]+$/) });
    expect(session.resumeTokenExpiresAt).toBeGreaterThan(Date.now());
  });

  it('streams the log as SSE with seq ids, then from Last-Event-ID on a reconnect', async () => {
    const session = await create();
    for (let i = 0; i < 5; i += 1)
      await channels.publish(session.sessionId, { type: 'token', text: `w${i}` });
    const first = await eventsOf(session);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await until(() => chatEvents(first).length === 5, 'five events');
    expect(chatEvents(first)).toHaveLength(5);
    expect(first.events[0]).toMatchObject({ event: 'session', id: '-1' });
    expect(first.events.filter((e) => e.event === 'chat.event').map((e) => e.id)).toEqual([
      '0',
      '1',
      '2',
      '3',
      '4',
    ]);
    first.close();

    await channels.publish(session.sessionId, { type: 'token', text: 'w5' });
    const again = await eventsOf(session, { 'last-event-id': '2' });
    await until(() => chatEvents(again).length === 3, 'the missed events');
    expect(chatEvents(again).map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(chatEvents(again).map((e) => e.text)).toEqual(['w3', 'w4', 'w5']);
    // The live stream follows the missed events.
    await channels.publish(session.sessionId, { type: 'token', text: 'w6' });
    await until(() => chatEvents(again).length === 4, 'the live event');
    expect(chatEvents(again).map((e) => e.seq)).toEqual([3, 4, 5, 6]);
  });

  it('takes the resume token and last seq from the query too (EventSource sets no headers)', async () => {
    const session = await create();
    for (let i = 0; i < 3; i += 1)
      await channels.publish(session.sessionId, { type: 'token', text: `w${i}` });
    const stream = await open(
      `/v1/sessions/${session.sessionId}/events?resumeToken=${encodeURIComponent(session.resumeToken)}&lastEventId=0`,
    );
    await until(() => chatEvents(stream).length === 2, 'the events after seq 0');
    expect(chatEvents(stream).map((e) => e.seq)).toEqual([1, 2]);
  });

  it('queues a message like chat.send, with Idempotency-Key as its clientMessageId', async () => {
    const session = await create();
    const headers = { 'x-resume-token': session.resumeToken, 'idempotency-key': 'k-1' };
    const sent = await post(`/v1/sessions/${session.sessionId}/messages`, { text: 'hello' }, headers);
    expect(sent).toMatchObject({ status: 202, body: { turnId: turnIdFor(session.sessionId, 'k-1') } });
    expect(producer.sent).toHaveLength(1);
    expect(producer.sent[0]).toMatchObject({
      topic: 'chat-requests',
      options: { messageGroup: session.sessionId },
    });
    expect(decodeChatRequest(producer.sent[0]?.body)).toMatchObject({
      kind: 'chat.send',
      sessionId: session.sessionId,
      text: 'hello',
      clientMessageId: 'k-1',
    });
    const repeated = await post(`/v1/sessions/${session.sessionId}/messages`, { text: 'hello' }, headers);
    expect(repeated.body.turnId).toBe(sent.body.turnId);
  });

  it('answers turn_in_progress and repeats from the turns of a stream open on this node', async () => {
    const session = await create();
    const stream = await eventsOf(session);
    await until(() => stream.events.some((e) => e.event === 'session'), 'the session event');
    const headers = { 'x-resume-token': session.resumeToken };
    const path = `/v1/sessions/${session.sessionId}/messages`;
    const first = await post(path, { text: 'one' }, { ...headers, 'idempotency-key': 'a' });
    expect(first.status).toBe(202);
    const busy = await post(path, { text: 'two' }, { ...headers, 'idempotency-key': 'b' });
    expect(busy).toMatchObject({ status: 409, body: { error: { code: 'turn_in_progress' } } });
    const repeat = await post(path, { text: 'one' }, { ...headers, 'idempotency-key': 'a' });
    expect(repeat).toMatchObject({ status: 202, body: { turnId: first.body.turnId } });
    expect(producer.sent).toHaveLength(1);
  });

  it('cancels a running turn through the control channel, and refuses an unknown one', async () => {
    const session = await create();
    const stream = await eventsOf(session);
    await channels.publish(session.sessionId, {
      type: 'turn.started',
      turnId: 't-1',
      data: { attempt: 'a1' },
    });
    await until(() => chatEvents(stream).length === 1, 'turn.started');
    const headers = { 'x-resume-token': session.resumeToken };
    const cancelled = await post(`/v1/sessions/${session.sessionId}/turns/t-1/cancel`, undefined, headers);
    expect(cancelled).toMatchObject({ status: 202, body: { turnId: 't-1' } });
    expect(producer.published).toEqual([
      {
        sessionId: session.sessionId,
        event: { type: CancelTurn, turnId: 't-1' },
        options: { parentTopic: 'chat-control' },
      },
    ]);
    const unknown = await post(`/v1/sessions/${session.sessionId}/turns/t-2/cancel`, undefined, headers);
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'unknown_turn' } } });
  });

  it.each<[string, Record<string, string>, number, string]>([
    ['no resume token', {}, 404, 'invalid_session'],
    ['a wrong resume token', { 'x-resume-token': 'nope' }, 404, 'invalid_session'],
    ['a malformed Last-Event-ID', { 'last-event-id': 'abc' }, 400, 'invalid_handshake'],
    ['a negative Last-Event-ID', { 'last-event-id': '-2' }, 400, 'invalid_handshake'],
    ['a malformed Authorization', { authorization: 'Basic x' }, 400, 'invalid_handshake'],
  ])('refuses a stream with %s as a typed JSON error', async (what, headers, status, code) => {
    const session = await create();
    const withToken: Record<string, string> = what.includes('resume token')
      ? {}
      : { 'x-resume-token': session.resumeToken };
    const stream = await open(`/v1/sessions/${session.sessionId}/events`, { ...withToken, ...headers });
    expect(stream.status).toBe(status);
    const response = await fetch(`${url}/v1/sessions/${session.sessionId}/events`, {
      headers: { ...withToken, ...headers },
    });
    expect(await response.json()).toMatchObject({ error: { code, message: expect.any(String) } });
  });

  it.each([
    ['malformed JSON', '{"text": '],
    ['a missing text', {}],
    ['an unknown field', { text: 'hi', admin: true }],
    ['a text over the configured limit', { text: 'x'.repeat(21) }],
    ['a __proto__ key', '{"text": "hi", "__proto__": {"admin": true}}'],
    ['deep nesting', '{"text":' + '['.repeat(500) + ']'.repeat(500) + '}'],
    ['an array', [{ text: 'hi' }]],
  ])('answers %s with invalid_payload, and the node keeps serving', async (_, body) => {
    const session = await create();
    const path = `/v1/sessions/${session.sessionId}/messages`;
    const refused = await post(path, body, { 'x-resume-token': session.resumeToken });
    expect(refused).toMatchObject({ status: 400, body: { error: { code: 'invalid_payload' } } });
    expect(producer.sent).toHaveLength(0);
    const ok = await post(path, { text: 'hi' }, { 'x-resume-token': session.resumeToken });
    expect(ok.status).toBe(202);
  });

  it('refuses an Idempotency-Key that is malformed or disagrees with clientMessageId', async () => {
    const session = await create();
    const path = `/v1/sessions/${session.sessionId}/messages`;
    const headers = { 'x-resume-token': session.resumeToken };
    const malformed = await post(path, { text: 'hi' }, { ...headers, 'idempotency-key': 'a b' });
    expect(malformed).toMatchObject({ status: 400, body: { error: { code: 'invalid_payload' } } });
    const differ = await post(
      path,
      { text: 'hi', clientMessageId: 'x' },
      { ...headers, 'idempotency-key': 'y' },
    );
    expect(differ).toMatchObject({ status: 400, body: { error: { code: 'invalid_payload' } } });
  });

  it('answers a broker that refuses the request with 503 unavailable', async () => {
    const session = await create();
    producer.failure = new Error('broker down');
    const refused = await post(
      `/v1/sessions/${session.sessionId}/messages`,
      { text: 'hi' },
      { 'x-resume-token': session.resumeToken },
    );
    expect(refused).toMatchObject({ status: 503, body: { error: { code: 'unavailable' } } });
  });

  it('ends the stream with chat.error session_moved when the session is taken over', async () => {
    const session = await create();
    const stream = await eventsOf(session);
    await until(() => stream.events.some((e) => e.event === 'session'), 'the session event');
    channels.revoke(session.sessionId, 'taken_over');
    await stream.ended;
    expect(stream.events.at(-1)).toMatchObject({ event: 'chat.error', id: '-1' });
    expect(JSON.parse(stream.events.at(-1)?.data ?? '{}')).toMatchObject({ code: 'session_moved' });
  });
});
