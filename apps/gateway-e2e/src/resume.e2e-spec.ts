/**
 * Sessions across gateway nodes, end to end: socket.io-client → two gateway processes → RocketMQ 5.5.
 * Events are written into the session's LiteTopic by a plain producer here; the LLM scheduler comes later.
 */
import type { Socket } from 'socket.io-client';
import { Producer } from 'rocketmq-client-nodejs';
import { encodeSessionEvent, withSettingsReplay } from '@litesession/rocketmq';
import { GatewayProcess } from './support/gateway-process';
import { eventually } from '@litesession/rocketmq/testing';

interface SessionInfo {
  sessionId: string;
  resumeToken: string;
  node: string;
}

const once = <T>(socket: Socket, event: string, ms = 30_000) =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${ms} ms`)), ms);
    socket.once(event, (payload: T) => {
      clearTimeout(timer);
      resolve(payload);
    });
  });

describe('gateway nodes on a real broker', () => {
  let a: GatewayProcess;
  let b: GatewayProcess;
  let producer: Producer;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    [a, b] = await Promise.all([GatewayProcess.start('node-a'), GatewayProcess.start('node-b')]);
    const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
    producer = new (withSettingsReplay(Producer))({
      endpoints: process.env['ROCKETMQ_ENDPOINTS'] ?? '',
      namespace: '',
      topics: ['chat'],
      logger: quiet,
    });
    await producer.startup();
  });

  afterEach(() => sockets.splice(0).forEach((s) => s.disconnect()));

  afterAll(async () => {
    await producer?.shutdown();
    await Promise.all([a?.stop(), b?.stop()]);
  });

  const write = (sessionId: string, text: string) =>
    producer.send({
      topic: 'chat',
      liteTopic: sessionId,
      body: encodeSessionEvent({ type: 'token', turnId: 't1', text }),
    });

  it('a client that drops resumes on the other node with everything after its lastSeq, once', async () => {
    const first = a.connect();
    sockets.push(first);
    const seen: Array<{ seq: number; text?: string }> = [];
    first.on('chat.event', (e: { seq: number; text?: string }) => seen.push(e));
    const session = await once<SessionInfo>(first, 'session');
    expect(session.node).toBe('node-a');
    await new Promise((resolve) => setTimeout(resolve, 300)); // the subscription is in place
    for (let i = 0; i < 5; i += 1) await write(session.sessionId, `w${i} `);
    await eventually(() => seen.length === 5, 30_000, 'seq 0..4 on node-a');
    first.disconnect();
    for (let i = 5; i < 8; i += 1) await write(session.sessionId, `w${i} `);

    const second = b.connect({ sessionId: session.sessionId, resumeToken: session.resumeToken, lastSeq: 4 });
    sockets.push(second);
    const resumed: Array<{ seq: number; text?: string }> = [];
    second.on('chat.event', (e: { seq: number; text?: string }) => resumed.push(e));
    const again = await once<SessionInfo>(second, 'session');
    expect(again).toMatchObject({ sessionId: session.sessionId, node: 'node-b' });
    await eventually(() => resumed.length === 3, 30_000, 'seq 5..7 on node-b');
    await write(session.sessionId, 'live');
    await eventually(() => resumed.length === 4, 30_000, 'the live event on node-b');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect([...seen, ...resumed].map((e) => e.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect([...seen, ...resumed].map((e) => e.text).join('')).toBe('w0 w1 w2 w3 w4 w5 w6 w7 live');
  });

  it('on SIGTERM a node tells its clients to move; they resume on another node with nothing lost', async () => {
    const c = await GatewayProcess.start('node-c');
    const socket = c.connect();
    sockets.push(socket);
    const seen: Array<{ seq: number }> = [];
    socket.on('chat.event', (e: { seq: number }) => seen.push(e));
    const draining = once(socket, 'server.draining');
    const disconnected = once(socket, 'disconnect');
    const session = await once<SessionInfo>(socket, 'session');
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (let i = 0; i < 3; i += 1) await write(session.sessionId, `x${i}`);
    await eventually(() => seen.length === 3, 30_000, 'seq 0..2 on node-c');

    const stopping = c.stop('SIGTERM');
    await draining;
    await disconnected;
    await write(session.sessionId, 'x3');
    const moved = b.connect({ sessionId: session.sessionId, resumeToken: session.resumeToken, lastSeq: 2 });
    sockets.push(moved);
    const after: Array<{ seq: number; text?: string }> = [];
    moved.on('chat.event', (e: { seq: number; text?: string }) => after.push(e));
    await eventually(() => after.length === 1, 30_000, 'seq 3 on node-b');
    expect(after.map((e) => [e.seq, e.text])).toEqual([[3, 'x3']]);
    await stopping;
  });

  it('refuses a forged resume token without revealing anything', async () => {
    const socket = b.connect({ sessionId: 'some-session', resumeToken: 'forged' });
    sockets.push(socket);
    const [error] = await Promise.all([
      once<{ code: string }>(socket, 'chat.error'),
      once(socket, 'disconnect'),
    ]);
    expect(error.code).toBe('invalid_session');
  });
});
