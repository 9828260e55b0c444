import { TurnEvent } from '@litesession/chat-protocol';
import { REMEMBERED_ENDED_TURNS, SessionTurns } from './session-turns';

describe('SessionTurns.whenEventsOwed', () => {
  const token = (turnId: string) => ({ type: TurnEvent.Token, turnId, attempt: 'a1' });

  it('runs the hook for every turn the socket queues', () => {
    const turns = new SessionTurns();
    const calls: number[] = [];
    turns.whenEventsOwed(() => calls.push(1));

    turns.queuedTurn('t-1');
    turns.queuedTurn('t-2');

    expect(calls).toHaveLength(2);
  });

  it('runs the hook at once for a turn queued before it was set (a send before the subscription opened)', () => {
    const turns = new SessionTurns();
    turns.queuedTurn('t-1');
    const calls: number[] = [];

    turns.whenEventsOwed(() => calls.push(1));

    expect(calls).toHaveLength(1);
  });

  it('runs it after every event of a running turn and stops once the turn ends', () => {
    const turns = new SessionTurns();
    const calls: string[] = [];
    turns.whenEventsOwed(() => calls.push('owed'));

    turns.observe(token('t-1')); // a resume in the middle of a turn: its ending is owed
    turns.observe(token('t-1'));
    turns.observe({ type: TurnEvent.TurnCompleted, turnId: 't-1', attempt: 'a1' });
    turns.observe({ type: TurnEvent.UserMessage, turnId: 't-old', attempt: 'a9' }); // opens nothing

    expect(calls).toEqual(['owed', 'owed']);
  });

  it('does not run it when no turn is open', () => {
    const turns = new SessionTurns();
    turns.observe(token('t-1'));
    turns.observe({ type: TurnEvent.TurnFailed, turnId: 't-1', attempt: 'a1' });
    const calls: number[] = [];

    turns.whenEventsOwed(() => calls.push(1));

    expect(calls).toHaveLength(0);
  });
});

describe('SessionTurns', () => {
  const token = (turnId: string, attempt = 'a1') => ({ type: TurnEvent.Token, turnId, attempt });
  const ending = (turnId: string, attempt = 'a1') => ({ type: TurnEvent.TurnCompleted, turnId, attempt });

  it('knows a turn running at the resume from its first relayed event', () => {
    const turns = new SessionTurns();
    turns.observe(token('t-1'));

    expect(turns.busyWith()).toBe('t-1');
    expect(turns.isRunning('t-1')).toBe(true);
    turns.observe(ending('t-1'));
    expect(turns.busyWith()).toBeUndefined();
    expect(turns.knows('t-1')).toBe(true);
  });

  it('opens nothing for a user.message alone (a redelivered request of an ended turn writes one)', () => {
    const turns = new SessionTurns();
    turns.observe({ type: TurnEvent.UserMessage, turnId: 't-old', attempt: 'a9' });

    expect(turns.busyWith()).toBeUndefined();
    expect(turns.knows('t-old')).toBe(false);
  });

  it('keeps an ended turn ended whatever comes after', () => {
    const turns = new SessionTurns();
    turns.observe(token('t-1'));
    turns.observe(ending('t-1'));
    turns.observe({ type: TurnEvent.TurnRestarted, turnId: 't-1', attempt: 'a2' });

    expect(turns.busyWith()).toBeUndefined();
    expect(turns.progressOf('t-1')).toBe('ended');
  });

  it('ignores the ending of a writer a turn.restarted superseded', () => {
    const turns = new SessionTurns();
    turns.observe(token('t-1', 'a1'));
    turns.observe({ type: TurnEvent.TurnRestarted, turnId: 't-1', attempt: 'a2' });
    turns.observe(ending('t-1', 'a1'));

    expect(turns.isRunning('t-1')).toBe(true);
    turns.observe(ending('t-1', 'a2'));
    expect(turns.isRunning('t-1')).toBe(false);
  });

  it('counts the events of a queued turn and forgets one released before the log showed it', () => {
    const turns = new SessionTurns();
    turns.queuedTurn('t-1');
    expect(turns.progressOf('t-1')).toBe(0);
    turns.observe({ type: TurnEvent.UserMessage, turnId: 't-1', attempt: 'a1' });
    turns.observe(token('t-1'));
    expect(turns.progressOf('t-1')).toBe(2);

    turns.queuedTurn('t-2');
    turns.release('t-2');
    expect(turns.knows('t-2')).toBe(false);
    turns.release('t-1'); // the log shows it: still followed
    expect(turns.isRunning('t-1')).toBe(true);
  });

  it(`remembers only the last ${REMEMBERED_ENDED_TURNS} ended turns: its memory does not grow with the history`, () => {
    const turns = new SessionTurns();
    const count = REMEMBERED_ENDED_TURNS * 10;
    for (let n = 0; n < count; n += 1) {
      turns.observe(token(`t-${n}`));
      turns.observe(ending(`t-${n}`));
    }

    expect(turns.knows(`t-${count - 1}`)).toBe(true);
    expect(turns.knows(`t-${count - REMEMBERED_ENDED_TURNS}`)).toBe(true);
    expect(turns.knows(`t-${count - REMEMBERED_ENDED_TURNS - 1}`)).toBe(false);
    expect(turns.busyWith()).toBeUndefined();
  });
});
