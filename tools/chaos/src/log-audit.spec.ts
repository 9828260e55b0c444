import type { ChatEvent } from '@litesession/client';
import { auditSession } from './log-audit';

const event = (seq: number, type: string, turnId = 't1', text?: string): ChatEvent => ({
  sessionId: 's',
  seq,
  turnId,
  type,
  ts: 0,
  ...(text === undefined ? {} : { text }),
});

const turn: ChatEvent[] = [
  event(0, 'user.message', 't1', 'hi'),
  event(1, 'turn.started'),
  event(2, 'token', 't1', 'Hel'),
  event(3, 'token', 't1', 'lo'),
  event(4, 'turn.completed', 't1', 'Hello'),
];

describe('auditSession', () => {
  it('finds nothing wrong when the client got the log, once, in order', () => {
    expect(auditSession(turn, turn)).toEqual({
      turns: 1,
      events: 5,
      lost: 0,
      duplicated: 0,
      reordered: 0,
      stuckTurns: 0,
      mismatchedTurns: 0,
    });
  });

  it('counts lost, duplicated and reordered events', () => {
    const received = [turn[0], turn[2], turn[1], turn[2], turn[4]] as ChatEvent[];
    expect(auditSession(received, turn)).toMatchObject({ lost: 1, duplicated: 1, reordered: 1 });
  });

  it('counts a turn without an ending as stuck, and a reply that is not its tokens as mismatched', () => {
    const stuck = turn.slice(0, 3);
    expect(auditSession(stuck, stuck)).toMatchObject({ stuckTurns: 1 });
    const garbled = [...turn.slice(0, 4), event(4, 'turn.completed', 't1', 'Hullo')];
    expect(auditSession(garbled, garbled)).toMatchObject({ mismatchedTurns: 1 });
  });

  it('reads a restarted turn from its last restart', () => {
    const restarted = [
      ...turn.slice(0, 3),
      event(3, 'turn.restarted'),
      event(4, 'token', 't1', 'Hello'),
      event(5, 'turn.completed', 't1', 'Hello'),
    ];
    expect(auditSession(restarted, restarted)).toMatchObject({ stuckTurns: 0, mismatchedTurns: 0 });
  });
});
