import type { ChatEvent } from '@litesession/client';
import { auditDetails, auditSession } from './log-audit';

const event = (seq: number, type: string, turnId = 't1', text?: string, attempt?: string): ChatEvent => ({
  sessionId: 's',
  seq,
  turnId,
  type,
  ts: 0,
  ...(text === undefined ? {} : { text }),
  ...(attempt === undefined ? {} : { attempt }),
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
      unqueued: 0,
      shortReads: 0,
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

  it('accepts an ending written again right after a restart that followed it (docs/protocol.md)', () => {
    const rewritten = [...turn, event(5, 'turn.restarted'), event(6, 'turn.completed', 't1', 'Hello')];
    expect(auditSession(rewritten, rewritten)).toMatchObject({ stuckTurns: 0, mismatchedTurns: 0 });
    const twice = [
      ...turn,
      event(5, 'turn.restarted'),
      event(6, 'turn.restarted'),
      event(7, 'turn.completed', 't1', 'Hello'),
    ];
    expect(auditSession(twice, twice)).toMatchObject({ mismatchedTurns: 0 });
    const changed = [...turn, event(5, 'turn.restarted'), event(6, 'turn.completed', 't1', 'Hullo')];
    expect(auditSession(changed, changed)).toMatchObject({ mismatchedTurns: 1 });
    const regenerated = [
      ...turn,
      event(5, 'turn.restarted'),
      event(6, 'token', 't1', 'Hi'),
      event(7, 'turn.completed', 't1', 'Hi'),
    ];
    expect(auditSession(regenerated, regenerated)).toMatchObject({ mismatchedTurns: 0 });
  });

  it("leaves a superseded attempt's late events out of the reply, as the client does", () => {
    const fenced = [
      event(0, 'user.message', 't1', 'hi', 'a'),
      event(1, 'turn.started', 't1', undefined, 'a'),
      event(2, 'token', 't1', 'Hel', 'a'),
      event(3, 'turn.restarted', 't1', undefined, 'b'),
      event(4, 'token', 't1', 'lo', 'a'), // a write of attempt a, stored late
      event(5, 'token', 't1', 'Hello', 'b'),
      event(6, 'token', 't1', '!', 'a'),
      event(7, 'turn.completed', 't1', 'Hello', 'b'),
    ];
    expect(auditSession(fenced, fenced)).toMatchObject({ mismatchedTurns: 0, stuckTurns: 0 });
    expect(
      auditDetails(fenced, [...fenced.slice(0, 7), event(7, 'turn.completed', 't1', 'Hullo', 'b')]),
    ).toEqual([
      'turn t1 completed with 5 chars, its tokens make 5: user.message@0 turn.started@1 token@2 ' +
        'turn.restarted@3 stale-token@4 token@5 stale-token@6 turn.completed@7',
    ]);
  });

  it('reports a log read that ended below what the client had, and counts no unqueued turn in it', () => {
    const partial = turn.slice(0, 2);
    expect(auditSession(turn, partial, ['t1', 't2'])).toMatchObject({ shortReads: 1, unqueued: 0, lost: 0 });
    expect(auditDetails(turn, partial)).toEqual([
      'the log read ended at seq 1, but the client had got seq 4',
      'turn t1 has no ending: user.message@0 turn.started@1',
    ]);
  });

  it('counts tokens after an ending without a restart as mismatched', () => {
    const trailing = [...turn, event(5, 'token', 't1', '!')];
    expect(auditSession(trailing, trailing)).toMatchObject({ mismatchedTurns: 1 });
  });

  it('counts an acknowledged turn the log does not hold, or holds without an ending, as unqueued', () => {
    expect(auditSession(turn, turn, ['t1'])).toMatchObject({ unqueued: 0 });
    expect(auditSession(turn, turn, ['t1', 'never-queued'])).toMatchObject({ unqueued: 1 });
    const open = turn.slice(0, 3);
    expect(auditSession(open, open, ['t1'])).toMatchObject({ unqueued: 1, stuckTurns: 1 });
  });
});

describe('auditDetails', () => {
  it('names the turns the audit counted, with their events', () => {
    const garbled = [
      ...turn.slice(0, 4),
      event(4, 'token', 't1', '!'),
      event(5, 'turn.completed', 't1', 'Hello'),
    ];
    const open = [event(6, 'user.message', 't2', 'again'), event(7, 'turn.started', 't2')];
    const log = [...garbled, ...open];
    expect(auditDetails(log.slice(1), log, ['t1', 't2', 't3'])).toEqual([
      'the client never got user.message@0',
      'turn t1 completed with 5 chars, its tokens make 6: ' +
        'user.message@0 turn.started@1 token@2..4×3 turn.completed@5',
      'turn t2 has no ending: user.message@6 turn.started@7',
      'turn t3 was acknowledged but is not in the log (as read)',
    ]);
    expect(auditDetails(turn, turn, ['a', 'b', 'c'], 2)).toEqual([
      'turn a was acknowledged but is not in the log (as read)',
      'turn b was acknowledged but is not in the log (as read)',
      '… and 1 more',
    ]);
  });
});
