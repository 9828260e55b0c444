import { Logger } from '@nestjs/common';
import { SessionEventDecodeError } from '../rocketmq.errors';
import type { SessionEvent } from '../session/session-event';
import type { RevocationReason, SubscribeOptions } from './session-channels';
import { EXPECTATION_TTL_MS, type FanoutEntry, SessionFanout } from './session-fanout';

/** A listener that records what reaches it. */
function recorder(nextSeq = 0, options: SubscribeOptions = {}) {
  const seqs: number[] = [];
  const gaps: Array<[number, number]> = [];
  const undecodable: Array<[number, SessionEventDecodeError]> = [];
  const revoked: RevocationReason[] = [];
  const entry: FanoutEntry = {
    nextSeq,
    listener: (event) => seqs.push(event.seq),
    options: {
      onGap: (expected, received) => gaps.push([expected, received]),
      onUndecodable: (seq, error) => undecodable.push([seq, error]),
      onRevoked: (reason) => revoked.push(reason),
      ...options,
    },
  };
  return { entry, seqs, gaps, undecodable, revoked };
}

const eventAt = (seq: number) => (): SessionEvent => ({
  sessionId: 's1',
  seq,
  type: 'token',
  ts: 1,
  messageId: `m-${seq}`,
});

function deliverAll(fanout: SessionFanout, seqs: number[]): void {
  for (const seq of seqs) fanout.deliver(seq, 'msg', eventAt(seq));
}

describe('SessionFanout', () => {
  const logger = new Logger('test');

  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(true));

  it('delivers each seq to a listener once, however often the broker repeats it', () => {
    const fanout = new SessionFanout('s1', 0, logger);
    const a = recorder(0);
    fanout.add(a.entry);

    // A redelivery (1 again) and a replay after a rewind (0, 1, 2 again).
    deliverAll(fanout, [0, 1, 1, 2, 0, 1, 2, 3]);

    expect(a.seqs).toEqual([0, 1, 2, 3]);
    expect(a.gaps).toEqual([]);
  });

  it('starts each listener at its own nextSeq', () => {
    const fanout = new SessionFanout('s1', 0, logger);
    const early = recorder(0);
    const late = recorder(2);
    fanout.add(early.entry);
    fanout.add(late.entry);

    deliverAll(fanout, [0, 1, 2, 3]);

    expect(early.seqs).toEqual([0, 1, 2, 3]);
    expect(late.seqs).toEqual([2, 3]);
    expect(late.gaps).toEqual([]);
  });

  it('reports a gap with the expected and received seq, and still delivers the event', () => {
    const fanout = new SessionFanout('s1', 0, logger);
    const a = recorder(0);
    fanout.add(a.entry);

    deliverAll(fanout, [0, 1, 5, 6]);

    expect(a.gaps).toEqual([[2, 5]]);
    expect(a.seqs).toEqual([0, 1, 5, 6]);
  });

  it('keeps delivering when onGap throws', () => {
    const fanout = new SessionFanout('s1', 0, logger);
    const a = recorder(0, {
      onGap: () => {
        throw new Error('gap handler broke');
      },
    });
    fanout.add(a.entry);

    deliverAll(fanout, [3, 4]);

    expect(a.seqs).toEqual([3, 4]);
  });

  it('decodes a message at most once, however many listeners need it, and not at all when none does', () => {
    const fanout = new SessionFanout('s1', 0, logger);
    fanout.add(recorder(0).entry);
    fanout.add(recorder(0).entry);
    fanout.add(recorder(0).entry);
    const decode = jest.fn(eventAt(0));

    fanout.deliver(0, 'msg', decode);
    fanout.deliver(0, 'msg', decode); // a repeat nobody needs

    expect(decode).toHaveBeenCalledTimes(1);
  });

  it('passes an undecodable message to onUndecodable instead of the listener, and moves on', () => {
    const fanout = new SessionFanout('s1', 0, logger);
    const a = recorder(0);
    const b = recorder(0);
    fanout.add(a.entry);
    fanout.add(b.entry);
    const failure = new SessionEventDecodeError('malformed', 'm-1', 'not JSON');
    const decode = jest.fn((): SessionEvent => {
      throw failure;
    });

    fanout.deliver(0, 'msg', eventAt(0));
    fanout.deliver(1, 'msg', decode);
    fanout.deliver(2, 'msg', eventAt(2));

    expect(decode).toHaveBeenCalledTimes(1);
    for (const listener of [a, b]) {
      expect(listener.seqs).toEqual([0, 2]);
      expect(listener.undecodable).toEqual([[1, failure]]);
      expect(listener.gaps).toEqual([]);
    }
  });

  it('does not let a listener that throws keep the event from the others', () => {
    const fanout = new SessionFanout('s1', 0, logger);
    fanout.add({
      nextSeq: 0,
      options: {},
      listener: () => {
        throw new Error('socket gone');
      },
    });
    const healthy = recorder(0);
    fanout.add(healthy.entry);

    expect(() => deliverAll(fanout, [0, 1, 2])).not.toThrow();

    expect(healthy.seqs).toEqual([0, 1, 2]);
  });

  it('revokes every listener once with the reason, and delivers nothing afterwards', () => {
    const fanout = new SessionFanout('s1', 0, logger);
    const a = recorder(0);
    const b = recorder(0, {
      onRevoked: () => {
        throw new Error('revocation handler broke');
      },
    });
    const c = recorder(0);
    for (const listener of [a, b, c]) fanout.add(listener.entry);

    fanout.revokeAll('taken_over');
    fanout.revokeAll('resubscribe_failed');
    fanout.deliver(0, 'msg', eventAt(0));

    expect(fanout.size).toBe(0);
    expect(a.revoked).toEqual(['taken_over']);
    expect(c.revoked).toEqual(['taken_over']);
    expect(a.seqs).toEqual([]);
    expect(c.seqs).toEqual([]);
  });

  it('tells whether an entry was still there when removing it', () => {
    const fanout = new SessionFanout('s1', 0, logger);
    const a = recorder(0);
    fanout.add(a.entry);

    expect(fanout.remove(a.entry)).toBe(true);
    expect(fanout.remove(a.entry)).toBe(false);
    expect(fanout.size).toBe(0);
  });

  describe('position', () => {
    it('needs a rewind only for a start before what the broker is about to deliver', () => {
      const fanout = new SessionFanout('s1', 5, logger);

      expect(fanout.cursor).toBe(5);
      expect(fanout.needsRewind(4)).toBe(true);
      expect(fanout.needsRewind(5)).toBe(false);
      expect(fanout.needsRewind(9)).toBe(false);
    });

    it('moves its position forward with deliveries, never back', () => {
      const fanout = new SessionFanout('s1', 0, logger);
      fanout.add(recorder(0).entry);

      deliverAll(fanout, [0, 1, 2]);
      expect(fanout.cursor).toBe(3);
      expect(fanout.needsRewind(2)).toBe(true);
      expect(fanout.needsRewind(3)).toBe(false);

      fanout.deliver(0, 'msg', eventAt(0)); // a late repeat
      expect(fanout.cursor).toBe(3);
    });

    it('takes a new position, so the replay gives a newcomer its history without duplicates for the others', () => {
      const fanout = new SessionFanout('s1', 0, logger);
      const first = recorder(0);
      fanout.add(first.entry);
      deliverAll(fanout, [0, 1, 2]);

      const newcomer = recorder(1);
      fanout.add(newcomer.entry);
      expect(fanout.needsRewind(1)).toBe(true);
      fanout.positionedAt(1);
      expect(fanout.cursor).toBe(1);
      expect(fanout.needsRewind(1)).toBe(false);
      deliverAll(fanout, [1, 2, 3]);

      expect(first.seqs).toEqual([0, 1, 2, 3]);
      expect(newcomer.seqs).toEqual([1, 2, 3]);
      expect([...first.gaps, ...newcomer.gaps]).toEqual([]);
    });
  });

  describe('stall detection', () => {
    const quietMs = 1_000;

    beforeEach(() => {
      jest.useFakeTimers({ now: 10_000 });
    });

    afterEach(() => {
      jest.useRealTimers();
    });

    /** Whether a remedy (of any kind) is due at `now`. */
    const due = (fanout: SessionFanout, now: number) => fanout.takeStall(now, quietMs) !== undefined;

    it('reports a stall once the session has been quiet for quietMs, then 4 times in all, further apart', () => {
      const fanout = new SessionFanout('s1', 0, logger);

      expect(fanout.takeStall(10_000 + quietMs - 1, quietMs)).toBeUndefined();
      // quietMs is 1,000: at 11 s, then 2 s, 4 s and 8 s after the previous one; then no more.
      const times = [11_000, 12_000, 13_000, 14_000, 16_999, 17_000, 24_999, 25_000, 60_000];
      expect(times.filter((t) => due(fanout, t))).toEqual([11_000, 13_000, 17_000, 25_000]);
    });

    it('answers a quiet spell with resyncs only', () => {
      const fanout = new SessionFanout('s1', 0, logger);
      const remedies = [11_000, 13_000, 17_000, 25_000].map((t) => fanout.takeStall(t, quietMs));
      expect(remedies).toEqual(['resync', 'resync', 'resync', 'resync']);
    });

    it('starts a new quiet spell with every delivery', () => {
      const fanout = new SessionFanout('s1', 0, logger);
      fanout.add(recorder(0).entry);
      expect(due(fanout, 11_000)).toBe(true);

      jest.setSystemTime(12_000);
      fanout.deliver(0, 'msg', eventAt(0));

      expect(due(fanout, 12_999)).toBe(false);
      expect(due(fanout, 13_000)).toBe(true);
    });

    it('counts a repeat the listeners skip as activity too', () => {
      const fanout = new SessionFanout('s1', 0, logger);
      fanout.add(recorder(5).entry);

      jest.setSystemTime(10_900);
      fanout.deliver(0, 'msg', eventAt(0));

      expect(due(fanout, 11_000)).toBe(false);
    });

    it('starts a new quiet spell when (re)positioned', () => {
      const fanout = new SessionFanout('s1', 0, logger);
      expect(due(fanout, 11_000)).toBe(true);

      fanout.positionedAt(0, 11_500);

      expect(due(fanout, 12_499)).toBe(false);
      expect(due(fanout, 12_500)).toBe(true);
    });

    it('while events the subscriber knows exist have not arrived: a resync, then re-positions 2, 4, 8, 8 s apart', () => {
      const fanout = new SessionFanout('s1', 0, logger);
      fanout.add(recorder(0, { knownSeq: 1 }).entry);
      const times = [11_000, 12_000, 13_000, 16_999, 17_000, 25_000, 33_000, 41_000];
      expect(times.map((t) => fanout.takeStall(t, quietMs))).toEqual([
        'resync',
        undefined,
        'reposition',
        undefined,
        'reposition',
        'reposition',
        'reposition',
        'reposition',
      ]);

      jest.setSystemTime(41_100);
      fanout.deliver(0, 'msg', eventAt(0));
      fanout.deliver(1, 'msg', eventAt(1));

      // Caught up: from now on a quiet spell like any session's, a few resyncs and then no more.
      const after = [42_100, 44_100, 48_100, 56_100].map((t) => fanout.takeStall(t, quietMs));
      expect(after).toEqual(['resync', 'resync', 'resync', 'resync']);
      expect(fanout.takeStall(100_000, quietMs)).toBeUndefined();
    });

    it('with knownSeq Infinity (events owed, seq unknown) starts over with a resync after each delivery', () => {
      const fanout = new SessionFanout('s1', 0, logger);
      fanout.add(recorder(0, { knownSeq: Number.POSITIVE_INFINITY }).entry);
      expect([11_000, 13_000].map((t) => fanout.takeStall(t, quietMs))).toEqual(['resync', 'reposition']);

      fanout.positionedAt(0, 13_000); // a re-position does not end the escalation; a delivery does
      expect(fanout.takeStall(17_000, quietMs)).toBe('reposition');
      jest.setSystemTime(17_500);
      fanout.deliver(0, 'msg', eventAt(0));

      expect([18_000, 18_500, 19_500].map((t) => fanout.takeStall(t, quietMs))).toEqual([
        undefined,
        'resync',
        undefined,
      ]);
    });

    it('owes events announced by expectEvents() until one arrives', () => {
      const fanout = new SessionFanout('s1', 0, logger);
      fanout.add(recorder(0).entry);
      // Idle for a long time: the quiet spell's resyncs are spent.
      [11_000, 13_000, 17_000, 25_000].forEach((t) => fanout.takeStall(t, quietMs));
      expect(fanout.takeStall(40_000, quietMs)).toBeUndefined();

      fanout.expectEvents(50_000);

      expect(fanout.takeStall(50_999, quietMs)).toBeUndefined(); // quiet counts from the announcement
      expect([51_000, 53_000, 57_000].map((t) => fanout.takeStall(t, quietMs))).toEqual([
        'resync',
        'reposition',
        'reposition',
      ]);
      jest.setSystemTime(57_500);
      fanout.deliver(0, 'msg', eventAt(0));
      // Met: an ordinary quiet spell again.
      expect([58_500, 60_500].map((t) => fanout.takeStall(t, quietMs))).toEqual(['resync', 'resync']);
    });

    it('stops owing announced events after EXPECTATION_TTL_MS', () => {
      const fanout = new SessionFanout('s1', 0, logger);
      [11_000, 13_000, 17_000, 25_000].forEach((t) => fanout.takeStall(t, quietMs));
      fanout.expectEvents(30_000);
      expect(fanout.takeStall(31_000, quietMs)).toBe('resync');

      expect(fanout.takeStall(30_000 + EXPECTATION_TTL_MS, quietMs)).toBeUndefined();

      // A new announcement starts the escalation over.
      fanout.expectEvents(100_000);
      expect(fanout.takeStall(101_000, quietMs)).toBe('resync');
    });

    it('reports an idle session a few times per quiet spell, and again only after a delivery', () => {
      const fanout = new SessionFanout('s1', 0, logger);
      expect([11_000, 13_000, 17_000, 25_000].every((t) => due(fanout, t))).toBe(true);

      expect(due(fanout, 100_000)).toBe(false);
      fanout.deliver(0, 'msg', () => ({ sessionId: 's1', seq: 0, type: 'token', ts: 0, messageId: 'msg' }));
      expect(due(fanout, Date.now() + quietMs)).toBe(true);
    });
  });
});
