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

  it('does not let a superseded attempt end or reopen a turn taken over by another one', () => {
    const ledger = new TurnLedger();
    const a1 = { attempt: 'a1' };
    const a2 = { attempt: 'a2' };
    ledger.observe({ type: 'user.message', turnId: 't', text: 'hi', data: a1 });
    ledger.observe({ type: 'turn.restarted', turnId: 't', data: a2 });
    ledger.observe({ type: 'turn.completed', turnId: 't', text: 'old writer', data: a1 });
    expect(ledger.get('t')?.status).toBe('running');
    ledger.observe({ type: 'turn.completed', turnId: 't', text: 'new writer', data: a2 });
    expect(ledger.get('t')).toMatchObject({ status: 'completed', reply: 'new writer' });
    ledger.observe({ type: 'user.message', turnId: 't', text: 'hi', data: { attempt: 'repeat' } });
    expect(ledger.turns()).toHaveLength(1);
  });

  it("keeps when the turn's writer last wrote, not counting repeated user.messages", () => {
    const ledger = new TurnLedger();
    ledger.observe({ type: 'user.message', turnId: 't', text: 'hi', ts: 100 });
    ledger.observe({ type: 'token', turnId: 't', text: 'a', ts: 200 });
    ledger.observe({ type: 'user.message', turnId: 't', text: 'hi', ts: 900 });
    expect(ledger.get('t')?.lastWrittenAt).toBe(200);
  });

  it('clones into an independent ledger with the same turns and fence', () => {
    const ledger = new TurnLedger();
    ledger.observe({ type: 'user.message', turnId: 't', text: 'hi', data: { attempt: 'a1' } });
    ledger.observe({ type: 'turn.restarted', turnId: 't', data: { attempt: 'a2' } });

    const copy = ledger.clone();
    copy.observe({ type: 'turn.completed', turnId: 't', text: 'stale', data: { attempt: 'a1' } });
    expect(copy.get('t')?.status).toBe('running'); // the fence came along
    copy.observe({ type: 'turn.completed', turnId: 't', text: 'done', data: { attempt: 'a2' } });
    copy.observe({ type: 'user.message', turnId: 'u', text: 'next' });

    expect(copy.get('t')).toMatchObject({ status: 'completed', reply: 'done' });
    expect(ledger.get('t')).toMatchObject({ status: 'running' });
    expect(ledger.get('t')?.reply).toBeUndefined();
    expect(ledger.turns()).toHaveLength(1);
    expect(copy.turns().map((turn) => turn.number)).toEqual([1, 2]);
  });
});
