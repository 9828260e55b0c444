import { InMemorySessionChannels } from '../testing/in-memory-session-channels';
import { eventually } from '../testing/eventually';
import type { SessionEvent } from '../session/session-event';
import { subscribeSteadily } from './steady-subscription';

describe('subscribeSteadily', () => {
  const sessionId = 'steady-session-1';

  it('takes a revoked session back from the next seq: every event once, in order', async () => {
    const channels = new InMemorySessionChannels();
    const seen: SessionEvent[] = [];
    const retakes: string[] = [];
    const subscription = await subscribeSteadily(
      channels,
      sessionId,
      { retakeDelayMs: () => 5, onRetake: (reason) => retakes.push(reason) },
      (event) => seen.push(event),
    );
    await channels.publish(sessionId, { type: 'token', text: 'a' });
    await channels.publish(sessionId, { type: 'token', text: 'b' });
    await eventually(() => seen.length === 2, 5_000, 'the first two events');

    channels.revoke(sessionId);
    await channels.publish(sessionId, { type: 'token', text: 'c' });
    channels.revoke(sessionId, 'resubscribe_failed');
    await channels.publish(sessionId, { type: 'token', text: 'd' });

    await eventually(() => seen.length >= 4, 5_000, 'events after two revocations');
    expect(seen.map((event) => event.text)).toEqual(['a', 'b', 'c', 'd']);
    expect(seen.map((event) => event.seq)).toEqual([0, 1, 2, 3]);
    expect(retakes.length).toBeGreaterThanOrEqual(1);
    await subscription.unsubscribe();
  });

  it('starts at fromSeq and stops for good on unsubscribe, even while a retake is pending', async () => {
    const channels = new InMemorySessionChannels();
    for (const text of ['a', 'b', 'c']) await channels.publish(sessionId, { type: 'token', text });
    const seen: string[] = [];
    const subscription = await subscribeSteadily(
      channels,
      sessionId,
      { fromSeq: 1, retakeDelayMs: () => 20 },
      (event) => seen.push(event.text ?? ''),
    );
    await eventually(() => seen.length >= 2, 5_000, 'the replay from seq 1');
    expect(seen).toEqual(['b', 'c']);
    channels.revoke(sessionId);
    await subscription.unsubscribe();
    await channels.publish(sessionId, { type: 'token', text: 'd' });
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(seen).toEqual(['b', 'c']);
    expect(channels.stats().listeners).toBe(0);
  });

  it("starts at the log's end once, and takes a revoked session back from the next seq, not the end", async () => {
    const channels = new InMemorySessionChannels();
    for (const text of ['a', 'b']) await channels.publish(sessionId, { type: 'token', text });
    const seen: string[] = [];
    const subscription = await subscribeSteadily(
      channels,
      sessionId,
      { fromEnd: true, retakeDelayMs: () => 20 },
      (event) => seen.push(event.text ?? ''),
    );
    await channels.publish(sessionId, { type: 'token', text: 'c' });
    await eventually(() => seen.length === 1, 5_000, 'the event after the subscribe');
    channels.revoke(sessionId);
    await channels.publish(sessionId, { type: 'token', text: 'd' }); // while it is revoked
    await channels.publish(sessionId, { type: 'token', text: 'e' });

    await eventually(() => seen.length >= 3, 5_000, 'the events published while it was revoked');
    expect(seen).toEqual(['c', 'd', 'e']);
    await subscription.unsubscribe();
  });

  it('keeps trying when taking the session back fails', async () => {
    const channels = new InMemorySessionChannels();
    const seen: string[] = [];
    const subscription = await subscribeSteadily(channels, sessionId, { retakeDelayMs: () => 5 }, (event) =>
      seen.push(event.text ?? ''),
    );
    const subscribe = channels.subscribe.bind(channels);
    let failures = 2;
    jest.spyOn(channels, 'subscribe').mockImplementation((...args) => {
      if (failures > 0) {
        failures -= 1;
        return Promise.reject(new Error('group not found'));
      }
      return subscribe(...args);
    });
    channels.revoke(sessionId);
    await channels.publish(sessionId, { type: 'token', text: 'late' });
    await eventually(() => seen.length >= 1, 5_000, 'the event after failed retakes');
    expect(seen).toEqual(['late']);
    expect(failures).toBe(0);
    await subscription.unsubscribe();
  });
});
