import { FakeGateway } from '../testing/fake-gateway';
import { LiteSessionError } from './errors';
import { LiteSessionClient } from './lite-session-client';
import { MemoryStorage } from './session-store';
import type { ChatEvent, ConnectionState, LiteSessionClientOptions } from './types';

const URLS = ['http://a', 'http://b', 'http://c'];
// With initial = max = 100 ms every reconnect waits 50-100 ms.
const DELAY_MS = 100;

function setup(options: Partial<LiteSessionClientOptions> = {}) {
  const gateway = new FakeGateway();
  const storage = options.storage ?? new MemoryStorage();
  const client = new LiteSessionClient({
    urls: URLS,
    storage,
    reconnect: { initialDelayMs: DELAY_MS, maxDelayMs: DELAY_MS },
    createSocket: gateway.createSocket,
    ...options,
  });
  const events: ChatEvent[] = [];
  const errors: LiteSessionError[] = [];
  const states: ConnectionState[] = [];
  client.on('event', (e) => events.push(e));
  client.on('error', (e) => errors.push(e));
  client.on('state', (s) => states.push(s));
  const stored = () => JSON.parse(storage.getItem('litesession') ?? 'null');
  return { gateway, storage, client, events, errors, states, stored };
}

describe('LiteSessionClient connection', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('starts a new session with an empty handshake and stores it', async () => {
    const { gateway, client, stored } = setup();
    const connected = client.connect();
    expect(client.state).toMatchObject({ status: 'connecting', url: 'http://a', attempt: 0 });
    expect(gateway.last.auth).toEqual({});
    gateway.last.accept('s1', 'node-a');
    await expect(connected).resolves.toEqual({
      status: 'connected',
      sessionId: 's1',
      node: 'node-a',
      url: 'http://a',
      attempt: 0,
      broker: 'ok',
    });
    expect(stored()).toEqual({ sessionId: 's1', resumeToken: 'token-s1' });
  });

  it('resumes a stored session with its lastSeq and drops what it already had', async () => {
    const storage = new MemoryStorage();
    storage.setItem('litesession', JSON.stringify({ sessionId: 's1', resumeToken: 't', lastSeq: 4 }));
    const { gateway, client, events } = setup({ storage });
    const connected = client.connect();
    expect(gateway.last.auth).toEqual({ sessionId: 's1', resumeToken: 't', lastSeq: 4 });
    gateway.last.accept();
    await connected;
    [3, 4, 5].forEach((seq) => gateway.last.event(seq, 'token', { turnId: 'a', text: `${seq}` }));
    expect(events.map((e) => e.seq)).toEqual([5]);
  });

  it('with replayHistory asks for the whole log on its first connection', () => {
    const storage = new MemoryStorage();
    storage.setItem('litesession', JSON.stringify({ sessionId: 's1', resumeToken: 't', lastSeq: 4 }));
    const { gateway, client } = setup({ storage, replayHistory: true });
    void client.connect();
    expect(gateway.last.auth).toEqual({ sessionId: 's1', resumeToken: 't' });
  });

  it('delivers each event once, in seq order, and persists lastSeq only after delivering it', async () => {
    const { gateway, client, events, stored } = setup();
    const seenInStorage: unknown[] = [];
    client.on('event', () => seenInStorage.push(stored().lastSeq));
    const connected = client.connect();
    gateway.last.accept();
    await connected;
    [0, 1, 1, 0, 2, 2].forEach((seq) => gateway.last.event(seq, 'token', { turnId: 'a', text: 'x' }));
    expect(events.map((e) => e.seq)).toEqual([0, 1, 2]);
    expect(seenInStorage).toEqual([undefined, 0, 1]);
    expect(stored()).toEqual({ sessionId: 's1', resumeToken: 'token-s1', lastSeq: 2 });
    expect(client.state.lastSeq).toBe(2);
  });

  it('ignores events of another session', async () => {
    const { gateway, client, events } = setup();
    const connected = client.connect();
    gateway.last.accept();
    await connected;
    gateway.last.event(0, 'token', { sessionId: 'other' });
    expect(events).toEqual([]);
  });

  it('on a gap reconnects from lastSeq and gets the missing events replayed', async () => {
    const { gateway, client, events } = setup();
    const connected = client.connect();
    gateway.last.accept();
    await connected;
    gateway.last.event(0, 'user.message', { turnId: 'a', text: 'hi' });
    const first = gateway.last;
    first.event(2, 'token', { turnId: 'a', text: 'lost one before me' });
    expect(first.disconnected).toBe(true);
    expect(client.state.status).toBe('reconnecting');
    jest.advanceTimersByTime(DELAY_MS);
    expect(gateway.sockets).toHaveLength(2);
    expect(gateway.last.auth).toEqual({ sessionId: 's1', resumeToken: 'token-s1', lastSeq: 0 });
    gateway.last.accept();
    [1, 2].forEach((seq) => gateway.last.event(seq, 'token', { turnId: 'a', text: `${seq}` }));
    expect(events.map((e) => e.seq)).toEqual([0, 1, 2]);
  });

  it('on server.draining moves to the next URL, round-robin, with its lastSeq', async () => {
    const { gateway, client, states, errors } = setup();
    const connected = client.connect();
    gateway.last.accept('s1', 'node-a');
    await connected;
    gateway.last.event(0, 'user.message', { turnId: 'a', text: 'hi' });
    for (const [url, node] of [
      ['http://b', 'node-b'],
      ['http://c', 'node-c'],
      ['http://a', 'node-a'],
    ] as const) {
      const draining = gateway.last;
      draining.fire('server.draining', {});
      expect(draining.disconnected).toBe(true);
      expect(client.state).toMatchObject({ status: 'reconnecting', attempt: 1, url });
      jest.advanceTimersByTime(DELAY_MS);
      expect(gateway.last).not.toBe(draining);
      expect(gateway.last.url).toBe(url);
      expect(gateway.last.auth).toEqual({ sessionId: 's1', resumeToken: 'token-s1', lastSeq: 0 });
      gateway.last.accept('s1', node);
      expect(client.state).toMatchObject({ status: 'connected', attempt: 0, node, url });
    }
    expect(errors).toEqual([]);
    expect(states.filter((s) => s.status === 'connected')).toHaveLength(4);
  });

  it('dropConnection() drops the socket like a network failure and resumes on the next URL by itself', async () => {
    const { gateway, client, events } = setup();
    const connected = client.connect();
    gateway.last.accept('s1', 'node-a');
    await connected;
    gateway.last.event(0, 'user.message', { turnId: 'a', text: 'hi' });
    const dropped = gateway.last;
    client.dropConnection();
    expect(dropped.disconnected).toBe(true);
    expect(client.state).toMatchObject({ status: 'reconnecting', url: 'http://b' });
    jest.advanceTimersByTime(DELAY_MS);
    expect(gateway.last).not.toBe(dropped);
    expect(gateway.last.auth).toEqual({ sessionId: 's1', resumeToken: 'token-s1', lastSeq: 0 });
    gateway.last.accept('s1', 'node-b');
    gateway.last.event(1, 'turn.started', { turnId: 'a' });
    expect(client.state).toMatchObject({ status: 'connected', node: 'node-b' });
    expect(events.map((e) => e.seq)).toEqual([0, 1]);
  });

  it('omits lastSeq when resuming before the first event', async () => {
    const { gateway, client } = setup();
    const connected = client.connect();
    gateway.last.accept();
    await connected;
    gateway.last.drop();
    jest.advanceTimersByTime(DELAY_MS);
    expect(gateway.last.auth).toEqual({ sessionId: 's1', resumeToken: 'token-s1' });
  });

  it('keeps retrying unreachable gateways, counting attempts, and connect() resolves once one answers', async () => {
    const { gateway, client, errors } = setup();
    const connected = client.connect();
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      gateway.last.fire('connect_error', new Error('ECONNREFUSED'));
      expect(client.state).toMatchObject({ status: 'reconnecting', attempt });
      jest.advanceTimersByTime(DELAY_MS);
    }
    expect(gateway.sockets.map((s) => s.url)).toEqual([...URLS, ...URLS].slice(0, 5));
    expect(errors.map((e) => e.code)).toEqual([
      'disconnected',
      'disconnected',
      'disconnected',
      'disconnected',
    ]);
    expect(errors[0]?.cause).toEqual(new Error('ECONNREFUSED'));
    gateway.last.accept();
    await expect(connected).resolves.toMatchObject({ status: 'connected', attempt: 0 });
  });

  it('on chat.error unavailable reconnects elsewhere', async () => {
    const { gateway, client, errors } = setup();
    void client.connect();
    gateway.last.fire('chat.error', { code: 'unavailable', message: 'shutting down' });
    jest.advanceTimersByTime(DELAY_MS);
    expect(gateway.sockets.map((s) => s.url)).toEqual(['http://a', 'http://b']);
    expect(errors[0]).toEqual(expect.objectContaining({ code: 'unavailable', message: 'shutting down' }));
    expect(errors[0]).toBeInstanceOf(LiteSessionError);
  });

  it('on invalid_session forgets the session, rejects connect() and stops; the next connect() starts anew', async () => {
    const storage = new MemoryStorage();
    storage.setItem('litesession', JSON.stringify({ sessionId: 'gone', resumeToken: 't', lastSeq: 9 }));
    const { gateway, client, errors } = setup({ storage });
    const connected = client.connect();
    gateway.last.fire('chat.error', { code: 'invalid_session', message: 'Unknown session' });
    await expect(connected).rejects.toMatchObject({ code: 'invalid_session' });
    expect(errors.map((e) => e.code)).toEqual(['invalid_session']);
    expect(storage.getItem('litesession')).toBeNull();
    expect(client.state).toEqual({ status: 'closed', url: 'http://a', attempt: 0 });
    jest.advanceTimersByTime(60_000);
    expect(gateway.sockets).toHaveLength(1);
    void client.connect();
    expect(gateway.last.auth).toEqual({});
  });

  it('an error listener sees the client already stopped, so it may start a new session at once', async () => {
    const storage = new MemoryStorage();
    storage.setItem('litesession', JSON.stringify({ sessionId: 'gone', resumeToken: 't' }));
    const { gateway, client } = setup({ storage });
    client.on('error', (error) => {
      if (error.code === 'invalid_session') void client.connect();
    });
    const first = client.connect();
    gateway.last.fire('chat.error', { code: 'invalid_session', message: 'Unknown session' });
    await expect(first).rejects.toMatchObject({ code: 'invalid_session' });
    expect(gateway.sockets.map((s) => s.auth)).toEqual([{ sessionId: 'gone', resumeToken: 't' }, {}]);
    expect(client.state.status).toBe('connecting');
  });

  it('on session_moved stops without reconnecting and keeps the stored session', async () => {
    const { gateway, client, errors, stored } = setup();
    const connected = client.connect();
    gateway.last.accept();
    await connected;
    gateway.last.event(0, 'user.message', { turnId: 'a', text: 'hi' });
    gateway.last.fire('chat.error', { code: 'session_moved', message: 'another connection' });
    gateway.last.drop('io server disconnect');
    jest.advanceTimersByTime(60_000);
    expect(gateway.sockets).toHaveLength(1);
    expect(client.state.status).toBe('closed');
    expect(errors.map((e) => e.code)).toEqual(['session_moved']);
    expect(stored()).toEqual({ sessionId: 's1', resumeToken: 'token-s1', lastSeq: 0 });
  });

  it('close() stops a pending reconnect, rejects connect() and keeps the session for a later resume', async () => {
    const { gateway, client, stored } = setup();
    const first = client.connect();
    gateway.last.accept();
    await first;
    gateway.last.event(0, 'user.message', { turnId: 'a', text: 'hi' });
    gateway.last.drop();
    const second = client.connect();
    client.close();
    await expect(second).rejects.toMatchObject({ code: 'closed' });
    jest.advanceTimersByTime(60_000);
    expect(gateway.sockets).toHaveLength(1);
    expect(client.state.status).toBe('closed');
    expect(stored()).toEqual({ sessionId: 's1', resumeToken: 'token-s1', lastSeq: 0 });
    void client.connect();
    expect(gateway.last.auth).toEqual({ sessionId: 's1', resumeToken: 'token-s1', lastSeq: 0 });
  });

  it('close() disconnects an open connection and ignores what that socket still delivers', async () => {
    const { gateway, client, events } = setup();
    const connected = client.connect();
    gateway.last.accept();
    await connected;
    const socket = gateway.last;
    client.close();
    expect(socket.disconnected).toBe(true);
    socket.event(0, 'token');
    expect(events).toEqual([]);
  });

  it('a new client on the same storage resumes where the last one left off', async () => {
    const { gateway, client, storage } = setup();
    const connected = client.connect();
    gateway.last.accept();
    await connected;
    [0, 1, 2].forEach((seq) => gateway.last.event(seq, 'token', { turnId: 'a', text: 'x' }));
    client.close();
    const next = setup({ storage });
    void next.client.connect();
    expect(next.gateway.last.auth).toEqual({ sessionId: 's1', resumeToken: 'token-s1', lastSeq: 2 });
  });

  it('forgetSession() closes, clears storage and turns, and the next connect() starts a new session', async () => {
    const { gateway, client, storage } = setup();
    const connected = client.connect();
    gateway.last.accept();
    await connected;
    gateway.last.event(0, 'user.message', { turnId: 'a', text: 'hi' });
    client.forgetSession();
    expect(storage.getItem('litesession')).toBeNull();
    expect(client.turns()).toEqual([]);
    expect(client.state).toMatchObject({ status: 'closed' });
    expect(client.state.sessionId).toBeUndefined();
    void client.connect();
    expect(gateway.last.auth).toEqual({});
  });

  it('resets the backoff only after a connection that lasted', async () => {
    const { gateway, client } = setup({ reconnect: { initialDelayMs: 1000, maxDelayMs: 8000 } });
    const connected = client.connect();
    gateway.last.accept();
    await connected;
    // A node that accepts and then refuses at once: the delays must keep growing.
    const waits: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      gateway.last.fire('chat.error', { code: 'unavailable', message: 'busy' });
      const before = gateway.sockets.length;
      let waited = 0;
      while (gateway.sockets.length === before) {
        jest.advanceTimersByTime(50);
        waited += 50;
      }
      waits.push(waited);
      gateway.last.accept();
    }
    expect(waits[3]).toBeGreaterThanOrEqual(4000);
    jest.advanceTimersByTime(5000);
    gateway.last.drop();
    expect(jest.getTimerCount()).toBe(1);
    jest.advanceTimersByTime(1000);
    expect(gateway.sockets).toHaveLength(6);
  });
});
