/**
 * The session protocol's refusals and edge cases against real processes: typed errors, the node keeps
 * serving, and nothing bad reaches the session's log.
 */
import { ChatClient, expectGapless, expectTokensMatchReply } from './support/chat-client';
import { GatewayProcess } from './support/gateway-process';
import { SchedulerProcess } from './support/scheduler-process';

describe('session protocol on real processes', () => {
  let gateway: GatewayProcess;
  let scheduler: SchedulerProcess;
  const clients: ChatClient[] = [];

  beforeAll(async () => {
    [gateway, scheduler] = await Promise.all([
      GatewayProcess.start('node-p'),
      SchedulerProcess.start('sched-p'),
    ]);
  });

  afterEach(() => clients.splice(0).forEach((c) => c.disconnect()));

  afterAll(async () => {
    await Promise.all([gateway?.stop(), scheduler?.stop()]);
  });

  async function newClient(): Promise<ChatClient> {
    const client = await ChatClient.start(gateway);
    clients.push(client);
    return client;
  }

  /** Everything in the session's log, read by a fresh connection from seq 0 after a quiet moment. */
  async function logOf(client: ChatClient): Promise<Array<{ seq: number; type: string }>> {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const reader = new ChatClient();
    reader.session = client.session;
    clients.push(reader);
    await reader.connectTo(gateway);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    reader.disconnect();
    return reader.events.map((e) => ({ seq: e.seq, type: e.type }));
  }

  it('chat.cancel stops the model; the log gets turn.cancelled with the partial reply', async () => {
    const client = await newClient();
    const { turnId } = await client.send('a long one to cancel');
    await client.waitFor((events) => events.some((e) => e.type === 'token'), 'the first token');
    expect(await client.cancel(turnId as string)).toEqual({ ok: true });
    const cancelled = await client.waitForEvent('turn.cancelled', turnId);
    const tokens = client.tokensOf(turnId as string).filter((e) => e.seq < cancelled.seq);
    expect(cancelled.text).toBe(tokens.map((e) => e.text).join(''));
    expect(tokens.length).toBeLessThan(60);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(client.events.filter((e) => e.seq > cancelled.seq)).toEqual([]); // nothing after the cancel
    expect(await client.cancel(turnId as string)).toMatchObject({
      ok: false,
      error: { code: 'unknown_turn' },
    });
    expect(await client.cancel('t-never')).toMatchObject({ ok: false, error: { code: 'unknown_turn' } });
    // The session takes the next turn.
    const next = await client.send('and now?');
    await client.waitForEvent('turn.completed', next.turnId);
    expectGapless(client.events);
  });

  it('turn_in_progress while a turn runs; the same clientMessageId twice is one turn, even from another connection', async () => {
    const client = await newClient();
    const first = await client.send('first', 'msg-1');
    expect(first).toMatchObject({ ok: true });
    expect(await client.send('second')).toMatchObject({ ok: false, error: { code: 'turn_in_progress' } });
    expect(await client.send('first', 'msg-1')).toEqual(first);
    await client.waitForEvent('turn.started', first.turnId);
    await client.connectTo(gateway); // a retry after a reconnect
    await new Promise((resolve) => setTimeout(resolve, 300)); // the replay reached the new connection
    expect(await client.send('first', 'msg-1')).toEqual(first);
    await client.waitForEvent('turn.completed', first.turnId);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(client.events.filter((e) => e.type === 'user.message')).toHaveLength(1);
    expect(client.events.filter((e) => e.type === 'turn.started')).toHaveLength(1);
    expectTokensMatchReply(client.events, first.turnId as string);
  });

  it('invalid payloads, huge strings and unknown events get typed answers and leave the log unchanged', async () => {
    const client = await newClient();
    const turn = await client.send('a real turn first');
    await client.waitForEvent('turn.completed', turn.turnId);
    const before = await logOf(client);
    expect(before.length).toBeGreaterThan(3);
    const bad: unknown[] = [
      {},
      { text: 42 },
      { text: '' },
      { text: 'x', clientMessageId: 'has spaces' },
      { text: 'x', extra: true },
      'just a string',
      null,
      { text: 'x'.repeat(9000) },
      { text: 'x', clientMessageId: null },
      { text: { constructor: { name: 'x' } } },
    ];
    for (const payload of bad) {
      const ack = await client.emit('chat.send', payload);
      expect(ack).toMatchObject({
        ok: false,
        error: { code: expect.stringMatching(/^(invalid_payload|rate_limited)$/) },
      });
      await new Promise((resolve) => setTimeout(resolve, 110)); // stay under the per-socket rate
    }
    expect(await client.emit('chat.cancel', { turnId: 7 })).toMatchObject({
      ok: false,
      error: { code: 'invalid_payload' },
    });
    const socketOf = (client as unknown as { socket: { emit(e: string, p: unknown): void } }).socket;
    socketOf.emit('chat.unknown', { text: 'hi' });
    socketOf.emit('session', { sessionId: 'spoof' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(client.connected).toBe(true);
    expect(await logOf(client)).toEqual(before);
    const ready = await fetch(`${gateway.url}/health/ready`);
    expect(ready.status).toBe(200);
  });

  it('closes a connection that sends a frame larger than the protocol needs; the session resumes', async () => {
    const client = await newClient();
    const socketOf = (client as unknown as { socket: { emit(e: string, p: unknown): void } }).socket;
    socketOf.emit('chat.send', { text: 'x'.repeat(200_000) });
    await client.waitDisconnected(10_000);
    await client.connectTo(gateway);
    const turn = await client.send('still works');
    expect(turn).toMatchObject({ ok: true });
    await client.waitForEvent('turn.completed', turn.turnId);
  });

  it('refuses forged or foreign resume tokens and malformed handshakes with chat.error, then disconnects', async () => {
    const client = await newClient();
    const refusals: Array<{ auth: unknown; code: string }> = [
      { auth: { sessionId: client.session?.sessionId, resumeToken: 'forged' }, code: 'invalid_session' },
      {
        auth: { sessionId: 'some-other-session', resumeToken: client.session?.resumeToken },
        code: 'invalid_session',
      },
      {
        auth: { sessionId: client.session?.sessionId, resumeToken: client.session?.resumeToken, lastSeq: -2 },
        code: 'invalid_handshake',
      },
      { auth: { sessionId: 'bad id with spaces', resumeToken: 'x' }, code: 'invalid_handshake' },
      { auth: { sessionId: 42 }, code: 'invalid_handshake' },
      { auth: { sessionId: null, resumeToken: 'x' }, code: 'invalid_handshake' },
      { auth: { sessionId: { constructor: { name: 'x' } } }, code: 'invalid_handshake' },
      { auth: { sessionId: 'a'.repeat(5_000), resumeToken: 'x' }, code: 'invalid_handshake' },
    ];
    for (const { auth, code } of refusals) {
      const socket = gateway.connect(auth as Record<string, unknown>);
      const [error] = await Promise.all([
        new Promise<{ code: string }>((resolve) => socket.once('chat.error', resolve)),
        new Promise((resolve) => socket.once('disconnect', resolve)),
      ]);
      expect({ auth, code: error.code }).toEqual({ auth, code });
      socket.disconnect();
    }
    expect((await fetch(`${gateway.url}/health/ready`)).status).toBe(200);
  });
});
