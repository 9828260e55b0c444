import { SessionTurnsRegistry } from '../session/session-turns';
import { type INestApplication, Logger } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { Test } from '@nestjs/testing';
import { io, type Socket as ClientSocket } from 'socket.io-client';
import {
  SessionChannels,
  type SessionListener,
  type SessionSubscription,
  type SubscribeOptions,
} from '@litesession/rocketmq';
import { InMemorySessionChannels } from '@litesession/rocketmq/testing';
import { DRAIN_GRACE_MS, GATEWAY_NODE_ID } from '../config/gateway.tokens';
import { DrainState } from '../health/drain-state';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { MetricsController } from '../metrics/metrics.controller';
import { ResumeTokens } from './resume-token';
import { SessionGateway } from './session.gateway';

const SECRET = 'x'.repeat(32);

/** InMemorySessionChannels whose subscribe can be held open by the test (for connect/disconnect races). */
class HoldableChannels extends InMemorySessionChannels {
  completedSubscribes = 0;
  private hold: Promise<void> | undefined;
  private release: (() => void) | undefined;
  holdNextSubscribe(): () => void {
    this.hold = new Promise((resolve) => (this.release = resolve));
    return () => this.release?.();
  }
  override async subscribe(
    sessionId: string,
    options: SubscribeOptions,
    listener: SessionListener,
  ): Promise<SessionSubscription> {
    const hold = this.hold;
    this.hold = undefined;
    if (hold) await hold;
    const subscription = await super.subscribe(sessionId, options, listener);
    this.completedSubscribes += 1;
    return subscription;
  }
}

describe('SessionGateway (Socket.IO, in memory)', () => {
  let app: INestApplication;
  let url: string;
  let channels: HoldableChannels;
  const tokens = new ResumeTokens(SECRET);
  const clients: ClientSocket[] = [];

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(async () => {
    channels = new HoldableChannels();
    const moduleRef = await Test.createTestingModule({
      controllers: [MetricsController],
      providers: [
        SessionGateway,
        { provide: SessionChannels, useValue: channels },
        { provide: ResumeTokens, useValue: tokens },
        { provide: GATEWAY_NODE_ID, useValue: 'node-a' },
        DrainState,
        { provide: DRAIN_GRACE_MS, useValue: 50 },
        GatewayMetrics,
        SessionTurnsRegistry,
      ],
    }).compile();
    app = moduleRef.createNestApplication();
    app.useWebSocketAdapter(new IoAdapter(app));
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
  });

  let closedByTest = false;

  afterEach(async () => {
    clients.splice(0).forEach((c) => c.disconnect());
    if (!closedByTest) await app.close();
    closedByTest = false;
  });

  const connect = (auth: Record<string, unknown> = {}) => {
    const client = io(url, { transports: ['websocket'], auth, reconnection: false, forceNew: true });
    clients.push(client);
    return client;
  };
  const next = <T>(client: ClientSocket, event: string) =>
    new Promise<T>((resolve) => client.once(event, resolve));
  const until = async (check: () => boolean) => {
    while (!check()) await new Promise((resolve) => setImmediate(resolve));
  };

  it('starts a new session: `session` first, then the session’s events in order', async () => {
    const client = connect();
    const events: Array<{ seq: number; text?: string }> = [];
    client.on('chat.event', (e: { seq: number; text?: string }) => events.push(e));
    const session = await next<{ sessionId: string; resumeToken: string; node: string }>(client, 'session');

    expect(session.node).toBe('node-a');
    expect(tokens.verify(session.sessionId, session.resumeToken)).toBe(true);
    await until(() => channels.stats().listeners === 1);
    for (const text of ['a', 'b', 'c'])
      await channels.publish(session.sessionId, { type: 'token', turnId: 't1', text });
    await until(() => events.length === 3);
    expect(events).toEqual(
      [0, 1, 2].map((seq) =>
        expect.objectContaining({
          seq,
          text: 'abc'[seq],
          type: 'token',
          turnId: 't1',
          sessionId: session.sessionId,
        }),
      ),
    );
  });

  it('resumes with a valid token after lastSeq, on any node', async () => {
    const sessionId = 'resume-me';
    for (let i = 0; i < 5; i += 1) await channels.publish(sessionId, { type: 'token', text: String(i) });
    const client = connect({ sessionId, resumeToken: tokens.issue(sessionId), lastSeq: 2 });
    const seqs: number[] = [];
    client.on('chat.event', (e: { seq: number }) => seqs.push(e.seq));
    await next(client, 'session');
    await until(() => seqs.length === 2);
    expect(seqs).toEqual([3, 4]);
  });

  it.each([
    ['a forged token', { sessionId: 's1', resumeToken: 'forged' }, 'invalid_session'],
    ['another session’s token', { sessionId: 's1', resumeToken: tokens.issue('s2') }, 'invalid_session'],
    ['a malformed session id', { sessionId: 'a/b', resumeToken: 't' }, 'invalid_handshake'],
    [
      'a string lastSeq',
      { sessionId: 's1', resumeToken: tokens.issue('s1'), lastSeq: 'x' },
      'invalid_handshake',
    ],
  ])('refuses %s with chat.error, then disconnects', async (_, auth, code) => {
    const client = connect(auth);
    const sessions: unknown[] = [];
    client.on('session', (s) => sessions.push(s));
    const [error] = await Promise.all([
      next<{ code: string }>(client, 'chat.error'),
      next(client, 'disconnect'),
    ]);
    expect(error.code).toBe(code);
    expect(sessions).toEqual([]);
    expect(channels.stats().listeners).toBe(0);
  });

  it('releases the subscription on disconnect', async () => {
    const client = connect();
    await next(client, 'session');
    await until(() => channels.stats().listeners === 1);
    client.disconnect();
    await until(() => channels.stats().listeners === 0);
    expect(channels.stats()).toMatchObject({ sessions: 0, listeners: 0 });
  });

  it('releases a subscription that completes after its socket already left', async () => {
    const release = channels.holdNextSubscribe();
    const client = connect();
    await next(client, 'session');
    client.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 50)); // the server sees the disconnect
    release();
    await until(() => channels.completedSubscribes === 1);
    await until(() => channels.stats().listeners === 0);
    expect(channels.stats()).toMatchObject({ sessions: 0, listeners: 0 });
  });

  it('tells the client and disconnects when another connection takes the session over', async () => {
    const client = connect();
    const session = await next<{ sessionId: string }>(client, 'session');
    await until(() => channels.stats().listeners === 1);
    const refused = Promise.all([next<{ code: string }>(client, 'chat.error'), next(client, 'disconnect')]);
    channels.revoke(session.sessionId);
    expect((await refused)[0].code).toBe('session_moved');
  });

  it('drains on shutdown: server.draining to every client, then a disconnect that releases the subscription', async () => {
    const client = connect();
    const order: string[] = [];
    client.on('server.draining', () => order.push('server.draining'));
    const disconnected = new Promise<void>((resolve) =>
      client.once('disconnect', () => (order.push('disconnect'), resolve())),
    );
    await next(client, 'session');
    await until(() => channels.stats().listeners === 1);

    await app.close();
    await disconnected;

    expect(order).toEqual(['server.draining', 'disconnect']);
    expect(channels.stats().listeners).toBe(0);
    app = await Test.createTestingModule({})
      .compile()
      .then((m) => m.createNestApplication()); // afterEach closes it
  });

  it('refuses new connections while draining', async () => {
    app.get(DrainState).start();
    const client = connect();
    const [error] = await Promise.all([
      next<{ code: string }>(client, 'chat.error'),
      next(client, 'disconnect'),
    ]);
    expect(error.code).toBe('unavailable');
    expect(channels.stats().listeners).toBe(0);
  });

  it('reports sockets, sessions, resumes, relayed events and refusals on GET /metrics', async () => {
    const sessionId = 'metered';
    for (let i = 0; i < 2; i += 1) await channels.publish(sessionId, { type: 'token' });
    const client = connect({ sessionId, resumeToken: tokens.issue(sessionId) });
    let relayed = 0;
    client.on('chat.event', () => (relayed += 1));
    await until(() => relayed === 2);
    const forged = connect({ sessionId, resumeToken: 'forged' });
    await Promise.all([next(forged, 'chat.error'), next(forged, 'disconnect')]);
    await until(() => channels.stats().listeners === 1);

    // The server counts the refused socket's disconnect a moment after the client sees it.
    let response = await fetch(`${url}/metrics`);
    let text = await response.text();
    while (!/^litesession_gateway_connected_sockets 1$/m.test(text)) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      response = await fetch(`${url}/metrics`);
      text = await response.text();
    }

    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(text).toMatch(/^litesession_gateway_resumes_total 1$/m);
    expect(text).toMatch(/^litesession_gateway_events_relayed_total 2$/m);
    expect(text).toMatch(/^litesession_gateway_errors_total\{code="invalid_session"\} 1$/m);
    expect(text).toMatch(/^litesession_gateway_subscribed_sessions 1$/m);
    expect(text).toMatch(/^litesession_gateway_connected_sockets 1$/m);
    expect(text).toMatch(/^litesession_gateway_subscribe_seconds_count 1$/m);
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
  });

  it('answers `unavailable` when the session cannot be opened on this node', async () => {
    channels.setRunning(false);
    const client = connect();
    const error = await next<{ code: string }>(client, 'chat.error');
    expect(error.code).toBe('unavailable');
  });
});
