import { Logger } from '@nestjs/common';
import type { TurnRecord } from '@litesession/chat-protocol';
import { InMemorySessionChannels } from '@litesession/rocketmq/testing';
import { SessionTranscript, startFrom } from './session-transcript';
import { TEST_TURN_SETTINGS as settings } from './turn-settings.fixture';

const turn = (n: number): TurnRecord => ({
  turnId: `t${n}`,
  number: n,
  userText: `question ${n}`,
  status: 'completed',
  reply: `answer ${n}`,
  ending: { type: 'turn.completed', text: `answer ${n}` },
});

describe('SessionTranscript', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(true));

  it('reads back what was recorded, each turn once, in turn order', async () => {
    const transcript = new SessionTranscript(new InMemorySessionChannels(), settings);
    await transcript.record('s1', { turn: turn(2), markerSeq: 20 });
    await transcript.record('s1', { turn: turn(1), markerSeq: 10 });
    await transcript.record('s1', { turn: { ...turn(1), reply: 'a copy' }, markerSeq: 11 });

    const start = await transcript.read('s1', new AbortController().signal);

    expect(start.ledger.turns().map((t) => [t.turnId, t.reply])).toEqual([
      ['t1', 'answer 1'],
      ['t2', 'answer 2'],
    ]);
    expect(start.nextSeq).toBe(20);
  });

  it('skips a malformed entry; the turn it should have held is then a hole', async () => {
    const channels = new InMemorySessionChannels();
    const transcript = new SessionTranscript(channels, settings);
    await channels.publish('s1', { type: 'transcript.turn', turnId: 't1', data: { number: 'one' } });
    await transcript.record('s1', { turn: turn(2), markerSeq: 20 });

    const start = await transcript.read('s1', new AbortController().signal);

    expect(start).toMatchObject({ nextSeq: 0 });
    expect(start.ledger.turns()).toEqual([]);
  });
});

describe('startFrom', () => {
  it('starts at seq 0 with no turns for an empty transcript', () => {
    const start = startFrom([]);
    expect(start.nextSeq).toBe(0);
    expect(start.ledger.turns()).toEqual([]);
  });

  it('keeps the turns up to the first hole and reads the log from the last one’s marker', () => {
    const start = startFrom([
      { turn: turn(1), markerSeq: 3 },
      { turn: turn(2), markerSeq: 40 },
      { turn: turn(4), markerSeq: 900 },
    ]);
    expect(start.ledger.turns().map((t) => t.turnId)).toEqual(['t1', 't2']);
    expect(start.nextSeq).toBe(40);
  });
});

describe('the open turn', () => {
  const open = (n: number, markerSeq: number) => ({
    turnId: `t${n}`,
    number: n,
    userText: `question ${n}`,
    markerSeq,
  });

  it('reads back the latest open entry of the turn after the ended ones', async () => {
    const transcript = new SessionTranscript(new InMemorySessionChannels(), settings);
    await transcript.record('s1', { turn: turn(1), markerSeq: 10 });
    await transcript.recordOpen('s1', open(2, 20));
    await transcript.recordOpen('s1', open(2, 95)); // restarted: its new marker

    const start = await transcript.read('s1', new AbortController().signal);

    expect(start.open).toEqual(open(2, 95));
    expect(start.nextSeq).toBe(10);
  });

  it('is not open once its ending is recorded, whatever the order of the entries', () => {
    expect(startFrom([{ turn: turn(1), markerSeq: 3 }], [open(1, 3)]).open).toBeUndefined();
  });

  it('is not taken when a turn before it has no entry (a hole): the log must say what happened there', () => {
    expect(startFrom([{ turn: turn(1), markerSeq: 3 }], [open(3, 70)]).open).toBeUndefined();
    expect(startFrom([], [open(1, 0)]).open).toEqual(open(1, 0));
  });
});
