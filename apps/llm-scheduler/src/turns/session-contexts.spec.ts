import { TurnLedger } from '@litesession/chat-protocol';
import { SessionContexts } from './session-contexts';

function ledgerWith(...turnIds: string[]): TurnLedger {
  const ledger = new TurnLedger();
  for (const turnId of turnIds) ledger.observe({ type: 'user.message', turnId, text: turnId });
  return ledger;
}

describe('SessionContexts', () => {
  it('starts a session it does not know at seq 0 with no turns', () => {
    const context = new SessionContexts(2).take('s1');
    expect(context.nextSeq).toBe(0);
    expect(context.ledger.turns()).toEqual([]);
  });

  it('hands out copies: folding into one changes neither what it keeps nor another copy', () => {
    const contexts = new SessionContexts(2);
    contexts.keep('s1', ledgerWith('a'), 5);

    const first = contexts.take('s1');
    first.ledger.observe({ type: 'user.message', turnId: 'b', text: 'b' });

    expect(first.nextSeq).toBe(5);
    expect(
      contexts
        .take('s1')
        .ledger.turns()
        .map((turn) => turn.turnId),
    ).toEqual(['a']);
  });

  it('keeps the read that went furthest', () => {
    const contexts = new SessionContexts(2);
    contexts.keep('s1', ledgerWith('a', 'b'), 9);
    contexts.keep('s1', ledgerWith('a'), 4); // a slower read of the same session ends later

    expect(contexts.take('s1').nextSeq).toBe(9);
  });

  it('drops the least recently used session past its capacity', () => {
    const contexts = new SessionContexts(2);
    contexts.keep('s1', ledgerWith('a'), 1);
    contexts.keep('s2', ledgerWith('a'), 1);
    contexts.take('s1'); // s2 is now the least recently used
    contexts.keep('s3', ledgerWith('a'), 1);

    expect(contexts.size).toBe(2);
    expect(contexts.take('s2').nextSeq).toBe(0);
    expect(contexts.take('s1').nextSeq).toBe(1);
  });
});
