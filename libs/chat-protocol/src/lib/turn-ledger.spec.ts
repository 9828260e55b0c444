import { TurnLedger } from './turn-ledger';

describe('TurnLedger', () => {
  it('numbers turns by their first user.message and records replies of completed turns', () => {
    const ledger = new TurnLedger();
    [
      { type: 'user.message', turnId: 'a', text: 'hello' },
      { type: 'turn.started', turnId: 'a' },
      { type: 'token', turnId: 'a', text: 'hi ' },
      { type: 'turn.completed', turnId: 'a', text: 'hi there' },
      { type: 'user.message', turnId: 'b', text: 'again' },
    ].forEach((e) => ledger.observe(e));
    expect(ledger.turns().map((t) => [t.turnId, t.number, t.userText, t.status, t.reply])).toEqual([
      ['a', 1, 'hello', 'completed', 'hi there'],
      ['b', 2, 'again', 'running', undefined],
    ]);
    expect(ledger.running()?.turnId).toBe('b');
  });

  it('counts a repeated user.message of one turn once and keeps the first text', () => {
    const ledger = new TurnLedger();
    ledger.observe({ type: 'user.message', turnId: 'a', text: 'first' });
    ledger.observe({ type: 'user.message', turnId: 'a', text: 'again' });
    expect(ledger.turns()).toHaveLength(1);
    expect(ledger.get('a')?.userText).toBe('first');
  });

  it('marks failed and cancelled turns, and a restart makes an ended turn run again', () => {
    const ledger = new TurnLedger();
    ledger.observe({ type: 'user.message', turnId: 'a', text: 'x' });
    ledger.observe({ type: 'turn.failed', turnId: 'a', data: { code: 'model_error' } });
    expect(ledger.get('a')).toMatchObject({ status: 'failed', ending: { data: { code: 'model_error' } } });
    expect(ledger.running()).toBeUndefined();
    ledger.observe({ type: 'turn.restarted', turnId: 'a' });
    expect(ledger.running()?.turnId).toBe('a');
    ledger.observe({ type: 'turn.cancelled', turnId: 'a', text: 'par' });
    expect(ledger.get('a')).toMatchObject({
      status: 'cancelled',
      ending: { type: 'turn.cancelled', text: 'par' },
    });
  });

  it('ignores events without a turn and events of turns it never saw open', () => {
    const ledger = new TurnLedger();
    ledger.observe({ type: 'note' });
    ledger.observe({ type: 'turn.completed', turnId: 'ghost', text: 'x' });
    expect(ledger.turns()).toEqual([]);
  });
});
