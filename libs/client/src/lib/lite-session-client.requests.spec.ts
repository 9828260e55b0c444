import { FakeGateway } from '../testing/fake-gateway';
import { LiteSessionClient } from './lite-session-client';
import { MemoryStorage } from './session-store';
import type { LiteSessionClientOptions, TurnView } from './types';

const DELAY_MS = 100;

async function connected(options: Partial<LiteSessionClientOptions> = {}) {
  const gateway = new FakeGateway();
  const client = new LiteSessionClient({
    urls: ['http://a', 'http://b'],
    storage: new MemoryStorage(),
    reconnect: { initialDelayMs: DELAY_MS, maxDelayMs: DELAY_MS },
    createSocket: gateway.createSocket,
    ...options,
  });
  const turns: TurnView[] = [];
  client.on('turn', (t) => turns.push(t));
  const open = client.connect();
  gateway.last.accept();
  await open;
  return { gateway, client, turns };
}

describe('LiteSessionClient requests', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('sends with a fresh clientMessageId and shows the accepted turn as queued', async () => {
    const { gateway, client, turns } = await connected();
    const sent = client.send('hello');
    const [request] = gateway.last.sent('chat.send');
    expect(request?.payload).toEqual({
      text: 'hello',
      clientMessageId: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    request?.ack({ ok: true, turnId: 't1' });
    await expect(sent).resolves.toEqual({ turnId: 't1' });
    expect(turns).toEqual([{ turnId: 't1', userText: 'hello', text: '', status: 'queued', restarts: 0 }]);
    const other = client.send('again');
    expect(gateway.last.sent('chat.send')[1]?.payload['clientMessageId']).not.toBe(
      request?.payload['clientMessageId'],
    );
    gateway.last.sent('chat.send')[1]?.ack({ ok: true, turnId: 't2' });
    await other;
  });

  it('re-sends an unacknowledged send after a drop with the same clientMessageId, and resolves once', async () => {
    const { gateway, client } = await connected();
    const outcomes: unknown[] = [];
    const sent = client.send('hello').then((r) => outcomes.push(r));
    const before = gateway.last;
    const id = before.sent('chat.send')[0]?.payload['clientMessageId'];
    before.drop();
    jest.advanceTimersByTime(DELAY_MS);
    expect(gateway.last.sent('chat.send')).toEqual([]); // not before the session is open again
    gateway.last.accept();
    const resent = gateway.last.sent('chat.send');
    expect(resent.map((r) => r.payload)).toEqual([{ text: 'hello', clientMessageId: id }]);
    resent[0]?.ack({ ok: true, turnId: 't1' });
    before.sent('chat.send')[0]?.ack({ ok: true, turnId: 't1' }); // a late answer changes nothing
    await sent;
    expect(outcomes).toEqual([{ turnId: 't1' }]);
    expect(client.turns()).toHaveLength(1);
  });

  it('a send made while reconnecting goes out once the session is open', async () => {
    const { gateway, client } = await connected();
    gateway.last.drop();
    const sent = client.send('queued while away');
    jest.advanceTimersByTime(DELAY_MS);
    gateway.last.accept();
    gateway.last.sent('chat.send')[0]?.ack({ ok: true, turnId: 't1' });
    await expect(sent).resolves.toEqual({ turnId: 't1' });
  });

  it('retries on unavailable with the same clientMessageId after a delay', async () => {
    const { gateway, client } = await connected();
    const sent = client.send('hello');
    const socket = gateway.last;
    socket.sent('chat.send')[0]?.ack({ ok: false, error: { code: 'unavailable', message: 'broker' } });
    expect(socket.sent('chat.send')).toHaveLength(1);
    jest.advanceTimersByTime(DELAY_MS);
    const [first, second] = socket.sent('chat.send');
    expect(second?.payload).toEqual(first?.payload);
    second?.ack({ ok: true, turnId: 't1' });
    await expect(sent).resolves.toEqual({ turnId: 't1' });
  });

  it('gives up with timeout after requestTimeoutMs', async () => {
    const { gateway, client } = await connected({ requestTimeoutMs: 1000 });
    const sent = client.send('hello');
    gateway.last.drop();
    jest.advanceTimersByTime(1000);
    await expect(sent).rejects.toMatchObject({ name: 'LiteSessionError', code: 'timeout' });
  });

  it('replaces a connection whose acknowledgement does not come, and re-sends there', async () => {
    const { gateway, client } = await connected({ ackTimeoutMs: 500 });
    const errors: string[] = [];
    client.on('error', (e) => errors.push(e.code));
    const sent = client.send('hello');
    const silent = gateway.last;
    jest.advanceTimersByTime(500);
    expect(silent.disconnected).toBe(true);
    expect(errors).toEqual(['timeout']);
    jest.advanceTimersByTime(DELAY_MS);
    gateway.last.accept();
    const [request] = gateway.last.sent('chat.send');
    expect(request?.payload['clientMessageId']).toBe(silent.sent('chat.send')[0]?.payload['clientMessageId']);
    request?.ack({ ok: true, turnId: 't1' });
    await expect(sent).resolves.toEqual({ turnId: 't1' });
  });

  it.each(['turn_in_progress', 'invalid_payload', 'rate_limited'])(
    'rejects a send refused with %s',
    async (code) => {
      const { gateway, client } = await connected();
      const sent = client.send('hello');
      gateway.last.sent('chat.send')[0]?.ack({ ok: false, error: { code, message: 'no' } });
      await expect(sent).rejects.toMatchObject({
        name: 'LiteSessionError',
        code,
        message: 'chat.send refused: no',
      });
    },
  );

  it('rejects an invalid clientMessageId without sending', async () => {
    const { gateway, client } = await connected();
    await expect(client.send('x', { clientMessageId: 'not valid!' })).rejects.toMatchObject({
      code: 'invalid_payload',
    });
    expect(gateway.last.sent('chat.send')).toEqual([]);
  });

  it('cancels a turn, and maps unknown_turn', async () => {
    const { gateway, client } = await connected();
    const cancelled = client.cancel('t1');
    const unknown = client.cancel('nope');
    const [ok, refused] = gateway.last.sent('chat.cancel');
    expect([ok?.payload, refused?.payload]).toEqual([{ turnId: 't1' }, { turnId: 'nope' }]);
    ok?.ack({ ok: true });
    refused?.ack({ ok: false, error: { code: 'unknown_turn', message: 'No turn' } });
    await expect(cancelled).resolves.toBeUndefined();
    await expect(unknown).rejects.toMatchObject({ code: 'unknown_turn' });
  });

  it('rejects pending requests on close(), and requests before connect() or after close()', async () => {
    const { gateway, client } = await connected();
    const sent = client.send('hello');
    client.close();
    await expect(sent).rejects.toMatchObject({ code: 'closed' });
    await expect(client.send('late')).rejects.toMatchObject({ code: 'closed' });
    expect(gateway.last.sent('chat.send')).toHaveLength(1);
    const idle = new LiteSessionClient({ urls: ['http://a'], createSocket: gateway.createSocket });
    await expect(idle.send('x')).rejects.toMatchObject({ code: 'disconnected' });
  });

  it('folds events into turns: a restart resets the shown text', async () => {
    const { gateway, client, turns } = await connected();
    const s = gateway.last;
    s.event(0, 'user.message', { turnId: 'a', text: 'q' });
    s.event(1, 'turn.started', { turnId: 'a' });
    s.event(2, 'token', { turnId: 'a', text: 'lost' });
    s.event(3, 'turn.restarted', { turnId: 'a' });
    s.event(4, 'token', { turnId: 'a', text: 'kept' });
    expect(turns.map((t) => t.text)).toEqual(['', '', 'lost', '', 'kept']);
    s.event(5, 'user.message', { turnId: 'a', text: 'q' }); // a repeat: no new turn, no change
    s.event(6, 'turn.completed', { turnId: 'a', text: 'kept' });
    expect(client.turns()).toEqual([
      { turnId: 'a', userText: 'q', text: 'kept', status: 'completed', restarts: 1 },
    ]);
    expect(turns).toHaveLength(6);
  });
});
