import { InvalidSessionEventError, InvalidSessionIdError } from '../rocketmq.errors';
import type { SessionEvent } from '../session/session-event';
import type { RevocationReason } from '../session-channels/session-channels';
import { InMemorySessionChannels } from './in-memory-session-channels';

/** Lets queued microtasks (the channels' asynchronous delivery) run; no timers involved. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function recorder() {
  const events: SessionEvent[] = [];
  const revoked: RevocationReason[] = [];
  return {
    events,
    revoked,
    seqs: () => events.map((e) => e.seq),
    texts: () => events.map((e) => e.text),
    listener: (event: SessionEvent) => events.push(event),
    options: { onRevoked: (reason: RevocationReason) => revoked.push(reason) },
  };
}

describe('InMemorySessionChannels', () => {
  it('numbers the events of each session 0, 1, 2, … on its own', async () => {
    const channels = new InMemorySessionChannels();

    const published = [
      await channels.publish('s1', { type: 'token', text: 'a' }),
      await channels.publish('s1', { type: 'token', text: 'b' }),
      await channels.publish('s2', { type: 'token', text: 'x' }),
      await channels.publish('s1', { type: 'token', text: 'c' }),
    ];

    expect(published.map((p) => p.sessionId)).toEqual(['s1', 's1', 's2', 's1']);
    expect(channels.eventsOf('s1').map((e) => [e.seq, e.text])).toEqual([
      [0, 'a'],
      [1, 'b'],
      [2, 'c'],
    ]);
    expect(channels.eventsOf('s1').map((e) => e.text)).toEqual(['a', 'b', 'c']);
    expect(channels.eventsOf('s2').map((e) => e.seq)).toEqual([0]);
    expect(channels.eventsOf('unknown')).toEqual([]);
  });

  it('replays the log from fromSeq, then delivers live events', async () => {
    const channels = new InMemorySessionChannels();
    for (const text of ['a', 'b', 'c']) await channels.publish('s1', { type: 'token', text });
    const a = recorder();

    await channels.subscribe('s1', { fromSeq: 1 }, a.listener);
    await settle();
    await channels.publish('s1', { type: 'token', text: 'd' });
    await settle();

    expect(a.seqs()).toEqual([1, 2, 3]);
    expect(a.texts()).toEqual(['b', 'c', 'd']);
    expect(a.events[0]).toMatchObject({ sessionId: 's1', messageId: 'mem-s1-1', type: 'token' });
  });

  it('replays from seq 0 by default, and only the subscribed session', async () => {
    const channels = new InMemorySessionChannels();
    await channels.publish('s1', { type: 'token', text: 'a' });
    await channels.publish('s2', { type: 'token', text: 'other' });
    const a = recorder();

    await channels.subscribe('s1', {}, a.listener);
    await settle();

    expect(a.texts()).toEqual(['a']);
  });

  it('delivers asynchronously, not inside publish()', async () => {
    const channels = new InMemorySessionChannels();
    const a = recorder();
    await channels.subscribe('s1', {}, a.listener);

    const publishing = channels.publish('s1', { type: 'token' });
    const seenDuringPublish = a.events.length;
    await publishing;
    await settle();

    expect(seenDuringPublish).toBe(0);
    expect(a.seqs()).toEqual([0]);
  });

  it('stops delivering after unsubscribe', async () => {
    const channels = new InMemorySessionChannels();
    const a = recorder();
    const subscription = await channels.subscribe('s1', {}, a.listener);
    await channels.publish('s1', { type: 'token', text: 'before' });
    await settle();

    await subscription.unsubscribe();
    await channels.publish('s1', { type: 'token', text: 'after' });
    await settle();

    expect(a.texts()).toEqual(['before']);
    expect(channels.stats()).toEqual({ sessions: 0, listeners: 0, stallRecoveries: 0, stallRepositions: 0 });
  });

  it('counts sessions and listeners', async () => {
    const channels = new InMemorySessionChannels();

    await channels.subscribe('s1', {}, () => undefined);
    await channels.subscribe('s1', {}, () => undefined);
    await channels.subscribe('s2', {}, () => undefined);

    expect(channels.stats()).toEqual({ sessions: 2, listeners: 3, stallRecoveries: 0, stallRepositions: 0 });
  });

  it('revoke() ends the session subscriptions with onRevoked and stops their delivery', async () => {
    const channels = new InMemorySessionChannels();
    const a = recorder();
    const b = recorder();
    const other = recorder();
    await channels.subscribe('s1', a.options, a.listener);
    await channels.subscribe('s1', b.options, b.listener);
    await channels.subscribe('s2', other.options, other.listener);

    channels.revoke('s1');
    await channels.publish('s1', { type: 'token' });
    await settle();

    expect(a.revoked).toEqual(['taken_over']);
    expect(b.revoked).toEqual(['taken_over']);
    expect(other.revoked).toEqual([]);
    expect(a.events).toEqual([]);
    expect(channels.stats()).toEqual({ sessions: 1, listeners: 1, stallRecoveries: 0, stallRepositions: 0 });
  });

  it('passes the reason given to revoke()', async () => {
    const channels = new InMemorySessionChannels();
    const a = recorder();
    await channels.subscribe('s1', a.options, a.listener);

    channels.revoke('s1', 'resubscribe_failed');

    expect(a.revoked).toEqual(['resubscribe_failed']);
  });

  it('rejects invalid session ids on publish and subscribe', async () => {
    const channels = new InMemorySessionChannels();

    await expect(channels.publish('chat/s1', { type: 'token' })).rejects.toThrow(InvalidSessionIdError);
    await expect(channels.subscribe('', {}, () => undefined)).rejects.toThrow(InvalidSessionIdError);
    expect(channels.stats()).toEqual({ sessions: 0, listeners: 0, stallRecoveries: 0, stallRepositions: 0 });
  });

  it('validates events like the real envelope and stores nothing for a rejected one', async () => {
    const channels = new InMemorySessionChannels();

    await expect(channels.publish('s1', { type: 'Not Valid' })).rejects.toThrow(InvalidSessionEventError);
    expect(channels.eventsOf('s1')).toEqual([]);
    await channels.publish('s1', { type: 'token' });
    expect(channels.eventsOf('s1').map((e) => e.seq)).toEqual([0]);
  });

  it('reports isRunning() as set by the test', () => {
    const channels = new InMemorySessionChannels();

    expect(channels.isRunning()).toBe(true);
    channels.setRunning(false);
    expect(channels.isRunning()).toBe(false);
  });
});
