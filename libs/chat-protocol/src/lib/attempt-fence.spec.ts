import { AttemptFence } from './attempt-fence';

describe('AttemptFence', () => {
  it('drops the events of an attempt a turn.restarted superseded, whenever they arrive', () => {
    const fence = new AttemptFence();
    const admitted = [
      { type: 'user.message', turnId: 't', attempt: 'a1' },
      { type: 'token', turnId: 't', attempt: 'a1' },
      { type: 'turn.restarted', turnId: 't', attempt: 'a2' },
      { type: 'token', turnId: 't', attempt: 'a1' }, // the old writer woke up
      { type: 'token', turnId: 't', attempt: 'a2' },
      { type: 'turn.completed', turnId: 't', attempt: 'a1' },
      { type: 'turn.completed', turnId: 't', attempt: 'a2' },
    ].map((event) => fence.admits(event));
    expect(admitted).toEqual([true, true, true, false, true, false, true]);
    expect(fence.currentAttempt('t')).toBe('a2');
  });

  it('keeps turns apart and lets events without an attempt (older writers) through', () => {
    const fence = new AttemptFence();
    expect(fence.admits({ type: 'token', turnId: 'x', attempt: 'a1' })).toBe(true);
    expect(fence.admits({ type: 'token', turnId: 'y', attempt: 'b1' })).toBe(true);
    expect(fence.admits({ type: 'token', turnId: 'x' })).toBe(true);
    expect(fence.admits({ type: 'note' })).toBe(true);
    expect(fence.admits({ type: 'token', turnId: 'x', attempt: 'b1' })).toBe(false);
  });

  it('reads the attempt of a stored envelope from data.attempt', () => {
    const fence = new AttemptFence();
    fence.admits({ type: 'user.message', turnId: 't', data: { attempt: 'a1' } });
    expect(fence.admits({ type: 'token', turnId: 't', data: { attempt: 'a0' } })).toBe(false);
    expect(fence.admits({ type: 'token', turnId: 't', data: { attempt: 7 } })).toBe(true);
  });

  it('ignores a repeated user.message of another attempt (a retried request): it is no restart', () => {
    const fence = new AttemptFence();
    fence.admits({ type: 'user.message', turnId: 't', attempt: 'a1' });
    fence.admits({ type: 'turn.completed', turnId: 't', attempt: 'a1' });
    expect(fence.admits({ type: 'user.message', turnId: 't', attempt: 'dup' })).toBe(false);
    expect(fence.currentAttempt('t')).toBe('a1');
  });
});
