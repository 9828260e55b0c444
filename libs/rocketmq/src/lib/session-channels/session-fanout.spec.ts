import { Logger } from '@nestjs/common';
import { SessionEventDecodeError } from '../rocketmq.errors';
import type { SessionEvent } from '../session/session-event';
import type { RevocationReason, SubscribeOptions } from './session-channels';
import { type FanoutEntry, SessionFanout } from './session-fanout';

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

    it('reports a stall once the session has been quiet for quietMs, and only once', () => {
      const fanout = new SessionFanout('s1', 0, logger);

      expect(fanout.takeStall(10_000 + quietMs - 1, quietMs)).toBe(false);
      expect(fanout.takeStall(10_000 + quietMs, quietMs)).toBe(true);
      expect(fanout.takeStall(10_000 + quietMs * 5, quietMs)).toBe(false);
    });

    it('starts a new quiet spell with every delivery', () => {
      const fanout = new SessionFanout('s1', 0, logger);
      fanout.add(recorder(0).entry);
      expect(fanout.takeStall(11_000, quietMs)).toBe(true);

      jest.setSystemTime(12_000);
      fanout.deliver(0, 'msg', eventAt(0));

      expect(fanout.takeStall(12_999, quietMs)).toBe(false);
      expect(fanout.takeStall(13_000, quietMs)).toBe(true);
    });

    it('counts a repeat the listeners skip as activity too', () => {
      const fanout = new SessionFanout('s1', 0, logger);
      fanout.add(recorder(5).entry);

      jest.setSystemTime(10_900);
      fanout.deliver(0, 'msg', eventAt(0));

      expect(fanout.takeStall(11_000, quietMs)).toBe(false);
    });

    it('starts a new quiet spell when (re)positioned', () => {
      const fanout = new SessionFanout('s1', 0, logger);
      expect(fanout.takeStall(11_000, quietMs)).toBe(true);

      fanout.positionedAt(0, 11_500);

      expect(fanout.takeStall(12_499, quietMs)).toBe(false);
      expect(fanout.takeStall(12_500, quietMs)).toBe(true);
    });

    it('keeps reporting every quietMs while events the subscriber knows exist have not arrived', () => {
      const fanout = new SessionFanout('s1', 0, logger);
      fanout.add(recorder(0, { knownSeq: 1 }).entry);
      expect(fanout.takeStall(11_000, quietMs)).toBe(true);
      expect(fanout.takeStall(11_500, quietMs)).toBe(false);
      expect(fanout.takeStall(12_000, quietMs)).toBe(true);

      jest.setSystemTime(12_100);
      fanout.deliver(0, 'msg', eventAt(0));
      fanout.deliver(1, 'msg', eventAt(1));

      expect(fanout.takeStall(13_100, quietMs)).toBe(true); // one more quiet spell, as for any session
      expect(fanout.takeStall(20_000, quietMs)).toBe(false); // caught up: no more
    });

    it('with knownSeq Infinity (events owed, seq unknown) keeps reporting every quietMs', () => {
      const fanout = new SessionFanout('s1', 0, logger);
      fanout.add(recorder(0, { knownSeq: Number.POSITIVE_INFINITY }).entry);
      jest.setSystemTime(10_500);
      fanout.deliver(0, 'msg', eventAt(0));
      expect([11_500, 12_000, 12_500, 13_500].map((t) => fanout.takeStall(t, quietMs))).toEqual([
        true,
        false,
        true,
        true,
      ]);
    });

    it('reports an idle session once per quiet spell, and again only after a delivery', () => {
      const fanout = new SessionFanout('s1', 0, logger);
      expect(fanout.takeStall(11_000, quietMs)).toBe(true);

      expect(fanout.takeStall(20_000, quietMs)).toBe(false);
      fanout.deliver(0, 'msg', () => ({ sessionId: 's1', seq: 0, type: 'token', ts: 0, messageId: 'msg' }));
      expect(fanout.takeStall(Date.now() + quietMs, quietMs)).toBe(true);
    });
  });
});
