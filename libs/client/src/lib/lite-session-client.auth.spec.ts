import { FakeGateway } from '../testing/fake-gateway';
import { LiteSessionClient } from './lite-session-client';
import { MemoryStorage } from './session-store';
import type { LiteSessionClientOptions } from './types';
import type { LiteSessionError } from './errors';

const DELAY_MS = 100;

function setup(options: Partial<LiteSessionClientOptions> = {}) {
  const gateway = new FakeGateway();
  const storage = new MemoryStorage();
  const client = new LiteSessionClient({
    urls: ['http://a', 'http://b'],
    storage,
    reconnect: { initialDelayMs: DELAY_MS, maxDelayMs: DELAY_MS },
    createSocket: gateway.createSocket,
    ...options,
  });
  const errors: LiteSessionError[] = [];
  client.on('error', (e) => errors.push(e));
  const stored = () => JSON.parse(storage.getItem('litesession') ?? 'null') as Record<string, unknown> | null;
  return { gateway, client, errors, stored };
}

/** Lets the promise callbacks of an async token function run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('LiteSessionClient credentials', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate', 'queueMicrotask'] }));
  afterEach(() => jest.useRealTimers());

  it('sends a fixed token in every handshake, next to the resume fields', async () => {
    const { gateway, client } = setup({ token: 'jwt-1' });
    const connected = client.connect();
    expect(gateway.last.auth).toEqual({ token: 'jwt-1' });
    gateway.last.accept();
    await connected;
    gateway.last.drop();
    jest.advanceTimersByTime(DELAY_MS);
    expect(gateway.last.auth).toEqual({ token: 'jwt-1', sessionId: 's1', resumeToken: 'token-s1' });
  });

  it('calls a token function before every attempt, and connects with a fresh token after token_expired', async () => {
    let issued = 0;
    const { gateway, client, errors } = setup({ token: async () => `jwt-${(issued += 1)}` });
    const connected = client.connect();
    await settle();
    expect(gateway.last.auth).toEqual({ token: 'jwt-1' });
    gateway.last.accept();
    await connected;
    gateway.last.fire('chat.error', { code: 'token_expired', message: 'expired' });
    jest.advanceTimersByTime(DELAY_MS);
    await settle();
    expect(gateway.last.auth).toMatchObject({ token: 'jwt-2', sessionId: 's1' });
    expect(errors.map((e) => e.code)).toEqual(['token_expired']);
    expect(client.state.status).toBe('reconnecting');
  });

  it('stops on token_expired when the token cannot be refreshed', async () => {
    const { gateway, client } = setup({ token: 'jwt-1' });
    const connected = client.connect();
    gateway.last.fire('chat.error', { code: 'token_expired', message: 'expired' });
    await expect(connected).rejects.toMatchObject({ code: 'token_expired' });
    expect(client.state.status).toBe('closed');
  });

  it('stops on unauthorized and keeps the stored session for a later connect with another credential', async () => {
    const { gateway, client, stored } = setup({ token: 'jwt-1' });
    const first = client.connect();
    gateway.last.accept();
    await first;
    gateway.last.drop();
    jest.advanceTimersByTime(DELAY_MS);
    gateway.last.fire('chat.error', { code: 'unauthorized', message: 'bad token' });
    expect(client.state.status).toBe('closed');
    expect(stored()).toMatchObject({ sessionId: 's1' });
  });

  it('forgets the session on session_expired', async () => {
    const { gateway, client, stored } = setup();
    const first = client.connect();
    gateway.last.accept();
    await first;
    gateway.last.drop();
    jest.advanceTimersByTime(DELAY_MS);
    gateway.last.fire('chat.error', { code: 'session_expired', message: 'too old' });
    expect(stored()).toBeNull();
    expect(client.state.status).toBe('closed');
  });

  it('waits at least retryAfterMs after rate_limited', () => {
    const { gateway, client, errors } = setup();
    void client.connect();
    gateway.last.fire('chat.error', { code: 'rate_limited', message: 'slow down', retryAfterMs: 3000 });
    expect(errors[0]?.retryAfterMs).toBe(3000);
    jest.advanceTimersByTime(2999);
    expect(gateway.sockets).toHaveLength(1);
    jest.advanceTimersByTime(1);
    expect(gateway.sockets).toHaveLength(2);
  });

  it('keeps the renewed resume token of a long connection for the next resume', async () => {
    const { gateway, client, stored } = setup();
    const connected = client.connect();
    gateway.last.accept();
    await connected;
    gateway.last.fire('session.renewed', { resumeToken: 'fresh', resumeTokenExpiresAt: Date.now() + 1000 });
    expect(stored()).toMatchObject({ sessionId: 's1', resumeToken: 'fresh' });
    gateway.last.drop();
    jest.advanceTimersByTime(DELAY_MS);
    expect(gateway.last.auth).toMatchObject({ sessionId: 's1', resumeToken: 'fresh' });
  });

  it('reports credential_failed and retries when the token function fails', async () => {
    let calls = 0;
    const { gateway, client, errors } = setup({
      token: () => {
        calls += 1;
        if (calls === 1) throw new Error('identity provider down');
        return 'jwt-2';
      },
    });
    void client.connect();
    await settle();
    expect(errors.map((e) => e.code)).toEqual(['credential_failed']);
    expect(gateway.sockets).toHaveLength(0);
    jest.advanceTimersByTime(DELAY_MS);
    await settle();
    expect(gateway.last.auth).toEqual({ token: 'jwt-2' });
  });

  it("shows the gateway's view of the broker in its state while connected", async () => {
    const { gateway, client } = setup();
    const brokers: Array<string | undefined> = [];
    client.on('state', (state) => brokers.push(state.broker));
    const connected = client.connect();
    gateway.last.accept();
    await connected;
    gateway.last.fire('server.status', { broker: 'unavailable' });
    expect(client.state.broker).toBe('unavailable');
    gateway.last.fire('server.status', { broker: 'nonsense' });
    gateway.last.fire('server.status', { broker: 'ok' });
    gateway.last.drop();
    expect(client.state.broker).toBeUndefined();
    expect(brokers.filter((b, i) => b !== brokers[i - 1])).toEqual(['ok', 'unavailable', 'ok', undefined]);
  });
});
