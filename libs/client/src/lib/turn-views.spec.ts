import { TurnViews } from './turn-views';
import type { ChatEvent } from './types';

let seq = 0;
const ev = (type: string, turnId: string | undefined, text?: string): ChatEvent => ({
  sessionId: 's1',
  seq: seq++,
  type,
  ts: 0,
  ...(turnId === undefined ? {} : { turnId }),
  ...(text === undefined ? {} : { text }),
});

function fold(events: ChatEvent[]): TurnViews {
  const views = new TurnViews();
  events.forEach((event) => views.apply(event));
  return views;
}

describe('TurnViews', () => {
  it('shows the tokens as they stream, then the completed text', () => {
    const views = new TurnViews();
    views.apply(ev('user.message', 'a', 'hello'));
    expect(views.get('a')).toEqual({
      turnId: 'a',
      userText: 'hello',
      text: '',
      status: 'queued',
      restarts: 0,
    });
    views.apply(ev('turn.started', 'a'));
    views.apply(ev('token', 'a', 'Hi'));
    views.apply(ev('token', 'a', ' there'));
    expect(views.get('a')).toMatchObject({ status: 'streaming', text: 'Hi there' });
    views.apply(ev('turn.completed', 'a', 'Hi there!'));
    expect(views.get('a')).toMatchObject({ status: 'completed', text: 'Hi there!' });
  });

  it('names the model of the latest start or restart', () => {
    const views = new TurnViews();
    views.apply(ev('user.message', 'm', 'hello'));
    expect(views.get('m')?.model).toBeUndefined();
    views.apply({ ...ev('turn.started', 'm'), model: 'simulated' });
    expect(views.get('m')?.model).toBe('simulated');
    views.apply({ ...ev('turn.restarted', 'm'), model: 'smollm2-135m-instruct' });
    expect(views.get('m')?.model).toBe('smollm2-135m-instruct');
  });

  it('turn.restarted throws the shown reply away and counts the restart', () => {
    const views = fold([
      ev('user.message', 'a', 'q'),
      ev('turn.started', 'a'),
      ev('token', 'a', 'first try'),
      ev('turn.restarted', 'a'),
      ev('token', 'a', 'second'),
    ]);
    expect(views.get('a')).toMatchObject({ text: 'second', status: 'streaming', restarts: 1 });
  });

  it('a restart after the ending reopens the turn until the ending is written again', () => {
    const views = fold([
      ev('user.message', 'a', 'q'),
      ev('turn.failed', 'a', 'model timed out'),
      ev('turn.restarted', 'a'),
    ]);
    expect(views.get('a')).toEqual({
      turnId: 'a',
      userText: 'q',
      text: '',
      status: 'streaming',
      restarts: 1,
    });
    views.apply(ev('token', 'a', 'ok'));
    views.apply(ev('turn.completed', 'a', 'ok'));
    expect(views.get('a')).toMatchObject({ status: 'completed', text: 'ok', restarts: 1 });
  });

  it('a restart before the user.message opens the turn, which the message then fills in', () => {
    const views = fold([ev('turn.restarted', 'a'), ev('user.message', 'a', 'late')]);
    expect(views.list()).toEqual([
      { turnId: 'a', userText: 'late', text: '', status: 'streaming', restarts: 1 },
    ]);
  });

  it('shows a repeated user.message once and keeps the turn order', () => {
    const views = fold([
      ev('user.message', 'a', 'one'),
      ev('turn.completed', 'a', 'r1'),
      ev('user.message', 'b', 'two'),
      ev('user.message', 'a', 'one'),
    ]);
    expect(views.list().map((t) => [t.turnId, t.userText, t.status])).toEqual([
      ['a', 'one', 'completed'],
      ['b', 'two', 'queued'],
    ]);
    expect(views.apply(ev('user.message', 'b', 'two'))).toBeUndefined();
  });

  it('records failure reasons and partial replies of cancelled turns', () => {
    const views = fold([
      ev('user.message', 'a', 'x'),
      ev('turn.failed', 'a', 'model unavailable'),
      ev('user.message', 'b', 'y'),
      ev('turn.started', 'b'),
      ev('token', 'b', 'par'),
      ev('turn.cancelled', 'b', 'part'),
    ]);
    expect(views.get('a')).toMatchObject({ status: 'failed', error: 'model unavailable' });
    expect(views.get('b')).toMatchObject({ status: 'cancelled', text: 'part' });
  });

  it('ignores events without a turn and types it does not know', () => {
    const views = new TurnViews();
    expect(views.apply(ev('note', undefined))).toBeUndefined();
    expect(views.apply(ev('turn.annotated', 'a', 'x'))).toBeUndefined();
    expect(views.list()).toEqual([]);
  });

  it('accepted() shows a sent message as queued until its events arrive', () => {
    const views = new TurnViews();
    expect(views.accepted('a', 'hello')).toMatchObject({ userText: 'hello', status: 'queued' });
    expect(views.apply(ev('user.message', 'a', 'hello'))).toMatchObject({ status: 'queued' });
    expect(views.accepted('a', 'hello')).toBeUndefined();
    expect(views.list()).toHaveLength(1);
  });

  it('ignores what a superseded attempt writes after the turn was taken over', () => {
    const views = new TurnViews();
    const event = (seq: number, type: string, attempt: string, text?: string) =>
      views.apply({
        sessionId: 's',
        seq,
        ts: seq,
        turnId: 't',
        type,
        attempt,
        ...(text === undefined ? {} : { text }),
      });
    event(0, 'user.message', 'a1', 'hi');
    event(1, 'turn.started', 'a1');
    event(2, 'token', 'a1', 'Hel');
    event(3, 'turn.restarted', 'a2');
    expect(event(4, 'token', 'a1', 'lo (stale)')).toBeUndefined();
    event(5, 'token', 'a2', 'Hello');
    expect(event(6, 'turn.completed', 'a1', 'stale')).toBeUndefined();
    event(7, 'turn.completed', 'a2', 'Hello');
    expect(views.get('t')).toMatchObject({ status: 'completed', text: 'Hello', restarts: 1 });
  });
});
