/**
 * Who may open or resume a session (docs/security.md), against real gateway processes on the real broker:
 * JWT checks, sessions bound to their user, resume-token expiry, secret rotation, rate limits and the
 * per-node session cap.
 */
import { LiteSessionClient, MemoryStorage } from '@litesession/client';
import type { Socket } from 'socket.io-client';
import { GatewayProcess } from './support/gateway-process';
import { mintJwt } from './support/identity';

const OLD_SECRET = 'rotation-old-'.padEnd(40, 'o');
const NEW_SECRET = 'rotation-new-'.padEnd(40, 'n');

interface Answer {
  event: 'session' | 'chat.error';
  code?: string;
  retryAfterMs?: number;
  sessionId?: string;
  resumeToken?: string;
}

/** The gateway's first word on a connection: its `session`, or the `chat.error` it refused it with. */
function answerOf(socket: Socket): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer within 10 s')), 10_000);
    socket.once('session', (session: { sessionId: string; resumeToken: string }) => {
      clearTimeout(timer);
      resolve({ event: 'session', ...session });
    });
    socket.once('chat.error', (error: { code: string; retryAfterMs?: number }) => {
      clearTimeout(timer);
      resolve({ event: 'chat.error', ...error });
    });
  });
}

/** Waits until the node has let go of every connection (it handles a close a moment after the client). */
async function untilIdle(node: GatewayProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const text = await fetch(`${node.url}/metrics`).then((r) => r.text());
    // Both: a socket that leaves while its session is still being subscribed frees its place only once
    // that subscription is released.
    if (
      /^litesession_gateway_connected_sockets 0$/m.test(text) &&
      /^litesession_gateway_subscribed_sessions 0$/m.test(text)
    )
      return;
    if (Date.now() > deadline) throw new Error(`${node.nodeId} still has open connections`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('authentication and session ownership on real processes', () => {
  /** Old secret, resume tokens valid for 10 s. */
  let oldNode: GatewayProcess;
  /** New secret, accepts the old one during the rotation. */
  let rotatingNode: GatewayProcess;
  /** New secret only; tight limits: 3 new sessions per user per minute, 2 sessions on the node. */
  let strictNode: GatewayProcess;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    [oldNode, rotatingNode, strictNode] = await Promise.all([
      GatewayProcess.start('node-old', { SESSION_SECRET: OLD_SECRET, RESUME_TOKEN_TTL_SECONDS: '10' }),
      GatewayProcess.start('node-rotating', {
        SESSION_SECRET: NEW_SECRET,
        SESSION_SECRET_PREVIOUS: OLD_SECRET,
      }),
      GatewayProcess.start('node-strict', {
        SESSION_SECRET: NEW_SECRET,
        NEW_SESSIONS_PER_USER_PER_MINUTE: '3',
        MAX_SESSIONS_PER_NODE: '2',
      }),
    ]);
  });

  afterEach(() => sockets.splice(0).forEach((socket) => socket.disconnect()));

  afterAll(async () => {
    await Promise.all([oldNode?.stop(), rotatingNode?.stop(), strictNode?.stop()]);
  });

  function open(node: GatewayProcess, auth: Record<string, unknown>, user?: string): Promise<Answer> {
    const socket = node.connect(auth, user);
    sockets.push(socket);
    return answerOf(socket);
  }

  it('opens a session for a valid JWT', async () => {
    const answer = await open(rotatingNode, {}, 'alice');
    expect(answer).toMatchObject({
      event: 'session',
      sessionId: expect.any(String),
      resumeToken: expect.any(String),
    });
  });

  it.each([
    ['an expired JWT', () => mintJwt('alice', { expiresIn: '-1m' }), 'token_expired'],
    ['a JWT for another audience', () => mintJwt('alice', { audience: 'someone-else' }), 'unauthorized'],
    ['a JWT signed with another key', () => mintJwt('alice', { secret: 'f'.repeat(40) }), 'unauthorized'],
    ['no JWT', async () => undefined, 'unauthorized'],
  ])('refuses %s', async (_, token, code) => {
    expect(await open(rotatingNode, { token: await token() })).toMatchObject({ event: 'chat.error', code });
  });

  it("refuses another user's attempt to resume a session, which its owner still resumes", async () => {
    const owned = await open(rotatingNode, {}, 'alice');
    const resume = { sessionId: owned.sessionId, resumeToken: owned.resumeToken };
    expect(await open(rotatingNode, resume, 'mallory')).toMatchObject({
      event: 'chat.error',
      code: 'invalid_session',
    });
    expect(await open(strictNode, resume, 'mallory')).toMatchObject({
      event: 'chat.error',
      code: 'invalid_session',
    });
    expect(await open(rotatingNode, resume, 'alice')).toMatchObject({
      event: 'session',
      sessionId: owned.sessionId,
    });
  });

  it('refuses an expired resume token', async () => {
    const owned = await open(oldNode, {}, 'bob');
    await new Promise((resolve) => setTimeout(resolve, 11_000)); // past its 10 s lifetime
    const resume = { sessionId: owned.sessionId, resumeToken: owned.resumeToken };
    expect(await open(oldNode, resume, 'bob')).toMatchObject({
      event: 'chat.error',
      code: 'session_expired',
    });
  }, 60_000);

  it('rotates the secret: old tokens resume on rotating nodes, whose new tokens resume everywhere new', async () => {
    const before = await open(oldNode, {}, 'carol');
    const resumeBefore = { sessionId: before.sessionId, resumeToken: before.resumeToken };
    // A node with only the new secret does not know the old one.
    expect(await open(strictNode, resumeBefore, 'carol')).toMatchObject({
      event: 'chat.error',
      code: 'invalid_session',
    });
    const during = await open(rotatingNode, resumeBefore, 'carol');
    expect(during).toMatchObject({ event: 'session', sessionId: before.sessionId });
    const resumeDuring = { sessionId: during.sessionId, resumeToken: during.resumeToken };
    expect(await open(strictNode, resumeDuring, 'carol')).toMatchObject({
      event: 'session',
      sessionId: before.sessionId,
    });
  });

  it('limits new sessions per user, saying when to retry; resuming is not limited by it', async () => {
    const answers: Answer[] = [];
    for (let i = 0; i < 4; i += 1) {
      answers.push(await open(strictNode, {}, 'dave'));
      // Stay under the node's session cap of 2: the node frees a place once it has seen the disconnect.
      sockets.splice(0).forEach((socket) => socket.disconnect());
      await untilIdle(strictNode);
    }
    expect(answers.slice(0, 3).map((a) => a.event)).toEqual(['session', 'session', 'session']);
    expect(answers[3]).toMatchObject({ event: 'chat.error', code: 'rate_limited' });
    expect(answers[3]?.retryAfterMs).toBeGreaterThan(0);
    expect(answers[3]?.retryAfterMs).toBeLessThanOrEqual(60_000);
    const first = answers[0] as Answer;
    expect(
      await open(strictNode, { sessionId: first.sessionId, resumeToken: first.resumeToken }, 'dave'),
    ).toMatchObject({
      event: 'session',
    });
  });

  it('caps the sessions a node serves; the client SDK then goes to another node', async () => {
    await untilIdle(strictNode);
    await expect(open(strictNode, {}, 'erin')).resolves.toMatchObject({ event: 'session' });
    await expect(open(strictNode, {}, 'frank')).resolves.toMatchObject({ event: 'session' });
    expect(await open(strictNode, {}, 'grace')).toMatchObject({ event: 'chat.error', code: 'unavailable' });
    const client = new LiteSessionClient({
      urls: [strictNode.url, rotatingNode.url],
      storage: new MemoryStorage(),
      token: () => mintJwt('grace'),
      reconnect: { initialDelayMs: 100, maxDelayMs: 500 },
    });
    try {
      await expect(client.connect()).resolves.toMatchObject({ status: 'connected', node: 'node-rotating' });
    } finally {
      client.close();
    }
  });
});
