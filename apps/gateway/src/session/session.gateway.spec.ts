import { type INestApplication, Logger } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { Test } from '@nestjs/testing';
import { SignJWT } from 'jose';
import { io, type Socket as ClientSocket } from 'socket.io-client';
import {
  SessionChannels,
  type SessionListener,
  type SessionSubscription,
  type SubscribeOptions,
} from '@litesession/rocketmq';
import { InMemorySessionChannels } from '@litesession/rocketmq/testing';
import { AdmissionModule } from '../admission/admission.module';
import { ResumeTokens } from '../admission/resume-tokens';
import { DRAIN_GRACE_MS, GATEWAY_NODE_ID } from '../config/gateway.tokens';
import { validateGatewayEnv } from '../config/gateway.env';
import { DrainState } from '../health/drain-state';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { MetricsController } from '../metrics/metrics.controller';
import { BrokerStatus } from './broker-status';
import { SessionTurnsRegistry } from './session-turns';
import { SessionGateway } from './session.gateway';
import { SessionLogReader } from './session-log-reader';

const SECRET = 'x'.repeat(32);
const JWT_SECRET = 'j'.repeat(32);
const BASE_ENV = { SESSION_SECRET: SECRET, JWT_SECRET, JWT_AUDIENCE: 'litesession' };

/** A connection JWT as an identity provider would issue it. */
function jwtFor(
  userId: string,
  {
    expiresIn = '10m',
    audience = 'litesession',
    key = JWT_SECRET,
  }: Partial<Record<'expiresIn' | 'audience' | 'key', string>> = {},
): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(userId)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(key));
}

/** InMemorySessionChannels whose subscribe can be held open by the test (for connect/disconnect races). */
class HoldableChannels extends InMemorySessionChannels {
  completedSubscribes = 0;
  /** Calls of expectEvents() on the subscriptions this gave out. */
  expectations = 0;
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
    return { ...subscription, expectEvents: () => void (this.expectations += 1) };
  }
}

describe('SessionGateway (Socket.IO, in memory)', () => {
  let app: INestApplication;
  let url: string;
  let channels: HoldableChannels;
  let tokens: ResumeTokens;
  let alice: string;
  const aliceSubject = { userId: 'alice' };
  const clients: ClientSocket[] = [];

  beforeAll(async () => {
    Logger.overrideLogger(false);
    alice = await jwtFor('alice');
  });

  async function startApp(env: Record<string, string> = {}): Promise<void> {
    channels = new HoldableChannels();
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          validate: () => validateGatewayEnv({ ...BASE_ENV, ...env }),
        }),
        AdmissionModule.forRoot(),
      ],
      controllers: [MetricsController],
      providers: [
        SessionGateway,
        SessionLogReader,
        { provide: SessionChannels, useValue: channels },
        { provide: GATEWAY_NODE_ID, useValue: 'node-a' },
        DrainState,
        { provide: DRAIN_GRACE_MS, useValue: 50 },
        GatewayMetrics,
        SessionTurnsRegistry,
        BrokerStatus,
      ],
    }).compile();
    app = moduleRef.createNestApplication();
    app.useWebSocketAdapter(new IoAdapter(app));
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
    tokens = app.get(ResumeTokens);
  }

  beforeEach(() => startApp());

  let closedByTest = false;

  afterEach(async () => {
    clients.splice(0).forEach((c) => c.disconnect());
    if (!closedByTest) await app.close();
    closedByTest = false;
  });

  /** Connects as alice unless `auth` says otherwise (`token: undefined` sends none). */
  const connect = (auth: Record<string, unknown> = {}) => {
    const client = io(url, {
      transports: ['websocket'],
      auth: JSON.parse(JSON.stringify({ token: alice, ...auth })) as Record<string, unknown>,
      reconnection: false,
      forceNew: true,
    });
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
    expect(tokens.verify(session.sessionId, aliceSubject, session.resumeToken)).toBe('valid');
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
    const client = connect({
      sessionId,
      resumeToken: tokens.issue(sessionId, aliceSubject).token,
      lastSeq: 2,
    });
    const seqs: number[] = [];
    client.on('chat.event', (e: { seq: number }) => seqs.push(e.seq));
    await next(client, 'session');
    await until(() => seqs.length === 2);
    expect(seqs).toEqual([3, 4]);
  });

  it('tells the subscription that events are owed while a turn it relays is open, and not after it ends', async () => {
    const sessionId = 'mid-turn';
    await channels.publish(sessionId, { type: 'turn.started', turnId: 't1', data: { attempt: 'a1' } });
    await channels.publish(sessionId, { type: 'token', turnId: 't1', data: { attempt: 'a1' }, text: 'x' });
    const client = connect({
      sessionId,
      resumeToken: tokens.issue(sessionId, aliceSubject).token,
      lastSeq: 1,
    });
    const seqs: number[] = [];
    client.on('chat.event', (e: { seq: number }) => seqs.push(e.seq));
    await next(client, 'session');
    await until(() => channels.expectations > 0); // the resume landed in a running turn

    await channels.publish(sessionId, {
      type: 'turn.completed',
      turnId: 't1',
      data: { attempt: 'a1' },
      text: 'x',
    });
    await until(() => seqs.length === 1);
    const afterEnd = channels.expectations;
    await channels.publish(sessionId, {
      type: 'user.message',
      turnId: 't0',
      data: { attempt: 'a9' },
      text: 'old',
    });
    await until(() => seqs.length === 2);

    expect(seqs).toEqual([2, 3]);
    expect(channels.expectations).toBe(afterEnd);
  });

  it.each<[string, () => Promise<Record<string, unknown>>, string]>([
    ['a forged token', async () => ({ sessionId: 's1', resumeToken: 'forged' }), 'invalid_session'],
    [
      'another session’s token',
      async () => ({ sessionId: 's1', resumeToken: tokens.issue('s2', aliceSubject).token }),
      'invalid_session',
    ],
    [
      'another user’s token of the session',
      async () => ({ sessionId: 's1', resumeToken: tokens.issue('s1', { userId: 'bob' }).token }),
      'invalid_session',
    ],
    ['a malformed session id', async () => ({ sessionId: 'a/b', resumeToken: 't' }), 'invalid_handshake'],
    [
      'a string lastSeq',
      async () => ({ sessionId: 's1', resumeToken: tokens.issue('s1', aliceSubject).token, lastSeq: 'x' }),
      'invalid_handshake',
    ],
    [
      'a null session id next to a token',
      async () => ({ sessionId: null, resumeToken: 'x' }),
      'invalid_handshake',
    ],
    ['no credential', async () => ({ token: undefined }), 'unauthorized'],
    [
      'a JWT of another audience',
      async () => ({ token: await jwtFor('alice', { audience: 'other' }) }),
      'unauthorized',
    ],
    [
      'a JWT signed with another key',
      async () => ({ token: await jwtFor('alice', { key: 'k'.repeat(32) }) }),
      'unauthorized',
    ],
    ['an expired JWT', async () => ({ token: await jwtFor('alice', { expiresIn: '-1m' }) }), 'token_expired'],
    ['garbage as a JWT', async () => ({ token: 'not.a.jwt' }), 'unauthorized'],
  ])('refuses %s with chat.error, then disconnects', async (_, auth, code) => {
    const client = connect(await auth());
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
    await startApp(); // afterEach closes it
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
    const client = connect({ sessionId, resumeToken: tokens.issue(sessionId, aliceSubject).token });
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
  it('resumes the session for its owner with any of their valid JWTs, and re-issues the resume token', async () => {
    const first = connect();
    const session = await next<{ sessionId: string; resumeToken: string }>(first, 'session');
    first.disconnect();
    const laterJwt = await jwtFor('alice', { expiresIn: '20m' });
    const second = connect({
      token: laterJwt,
      sessionId: session.sessionId,
      resumeToken: session.resumeToken,
    });
    const resumed = await next<{ sessionId: string; resumeToken: string; resumeTokenExpiresAt: number }>(
      second,
      'session',
    );
    expect(resumed.sessionId).toBe(session.sessionId);
    expect(resumed.resumeTokenExpiresAt).toBeGreaterThan(Date.now());
    expect(tokens.verify(session.sessionId, aliceSubject, resumed.resumeToken)).toBe('valid');
  });

  it('refuses another user who presents the owner’s resume token', async () => {
    const first = connect();
    const session = await next<{ sessionId: string; resumeToken: string }>(first, 'session');
    const bob = connect({
      token: await jwtFor('bob'),
      sessionId: session.sessionId,
      resumeToken: session.resumeToken,
    });
    expect((await next<{ code: string }>(bob, 'chat.error')).code).toBe('invalid_session');
  });

  describe('with short-lived resume tokens and tight limits', () => {
    beforeEach(async () => {
      await app.close();
      await startApp({
        RESUME_TOKEN_TTL_SECONDS: '10',
        NEW_SESSIONS_PER_USER_PER_MINUTE: '2',
        CONNECTIONS_PER_IP_PER_MINUTE: '6',
        MAX_SESSIONS_PER_NODE: '3',
      });
    });

    it('refuses an expired resume token with session_expired', async () => {
      const expired = new ResumeTokens({ current: SECRET }, 10_000, () => Date.now() - 11_000);
      const client = connect({ sessionId: 's1', resumeToken: expired.issue('s1', aliceSubject).token });
      expect((await next<{ code: string }>(client, 'chat.error')).code).toBe('session_expired');
    });

    it('limits new sessions per user, telling the client when to retry', async () => {
      for (const _ of [1, 2]) await next(connect(), 'session');
      const third = connect();
      const error = await next<{ code: string; retryAfterMs: number }>(third, 'chat.error');
      expect(error.code).toBe('rate_limited');
      expect(error.retryAfterMs).toBeGreaterThan(0);
      expect(error.retryAfterMs).toBeLessThanOrEqual(60_000);
      // Resuming is not a new session.
      const bob = connect({ token: await jwtFor('bob') });
      await next(bob, 'session');
    });

    it('limits connections per address before checking anything else', async () => {
      const answers: string[] = [];
      for (let i = 0; i < 7; i += 1) {
        const client = connect({ token: 'garbage' });
        answers.push((await next<{ code: string }>(client, 'chat.error')).code);
      }
      expect(answers).toEqual([...Array(6).fill('unauthorized'), 'rate_limited']);
    });

    it('caps the sessions a node serves at once and frees a place when one leaves', async () => {
      // Tokens first: awaiting one between connects would let an earlier `session` pass unheard.
      const [bob, carol] = await Promise.all([jwtFor('bob'), jwtFor('carol')]);
      const open = [connect(), connect({ token: bob }), connect({ token: carol })];
      await Promise.all(open.map((client) => next(client, 'session')));
      // `session` comes before the subscription: wait for all three, or the count below could pass early.
      await until(() => channels.stats().listeners === 3);
      const fourth = connect({ token: await jwtFor('dave') });
      expect((await next<{ code: string }>(fourth, 'chat.error')).code).toBe('unavailable');
      open[0]?.disconnect();
      await until(() => channels.stats().listeners === 2);
      await next(connect({ token: await jwtFor('erin') }), 'session');
    });

    it('gives a connection that outlives its resume token a fresh one (session.renewed)', async () => {
      const client = connect();
      const session = await next<{ sessionId: string; resumeTokenExpiresAt: number }>(client, 'session');
      const renewed = await next<{ resumeToken: string; resumeTokenExpiresAt: number }>(
        client,
        'session.renewed',
      );
      expect(renewed.resumeTokenExpiresAt).toBeGreaterThan(session.resumeTokenExpiresAt);
      expect(tokens.verify(session.sessionId, aliceSubject, renewed.resumeToken)).toBe('valid');
    }, 15_000);
  });

  it('closes the connection with token_expired when its JWT expires', async () => {
    const client = connect({ token: await jwtFor('alice', { expiresIn: '2s' }) });
    await next(client, 'session');
    const [error] = await Promise.all([
      next<{ code: string }>(client, 'chat.error'),
      next(client, 'disconnect'),
    ]);
    expect(error.code).toBe('token_expired');
    await until(() => channels.stats().listeners === 0);
  }, 15_000);

  it('tells every client when the broker stops answering and when it is back (server.status)', async () => {
    const client = connect();
    await next(client, 'session');
    const statuses: string[] = [];
    client.on('server.status', (status: { broker: string }) => statuses.push(status.broker));
    channels.setLink('unavailable', 'connect to broker failed');
    await until(() => statuses.length === 1);
    // A client that connects during the outage hears it right after its session.
    const late = connect({ token: await jwtFor('bob') });
    const order: string[] = [];
    late.on('session', () => order.push('session'));
    late.on('server.status', (status: { broker: string }) => order.push(status.broker));
    await until(() => order.length === 2);
    channels.setLink('ok');
    await until(() => statuses.length === 2 && order.length === 3);
    expect(statuses).toEqual(['unavailable', 'ok']);
    expect(order).toEqual(['session', 'unavailable', 'ok']);
  });

  it('does not report a receive failure that is over within a second', async () => {
    const client = connect();
    await next(client, 'session');
    const statuses: string[] = [];
    client.on('server.status', (status: { broker: string }) => statuses.push(status.broker));
    channels.setLink('unavailable');
    await new Promise((resolve) => setTimeout(resolve, 300));
    channels.setLink('ok');
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(statuses).toEqual([]);
  });
});
