import type { Outage } from './outage';
import { isOpenDuring, recoveryOf, type TurnTiming } from './recovery';

const outage: Outage = { servers: ['broker'], killedAt: 10_000, restartRequestedAt: 13_000, backAt: 25_000 };
const turn = (turnId: string, sentAt: number, endedAt: number | undefined): TurnTiming => ({
  turnId,
  sentAt,
  endedAt,
});

describe('turns after an outage', () => {
  it('looks at the turns open at the kill or started before the servers were back', () => {
    expect(isOpenDuring(turn('before', 1_000, 9_000), outage)).toBe(false);
    expect(isOpenDuring(turn('at-kill', 9_000, 11_000), outage)).toBe(true);
    expect(isOpenDuring(turn('during', 20_000, 30_000), outage)).toBe(true);
    expect(isOpenDuring(turn('after', 26_000, 27_000), outage)).toBe(false);
    expect(isOpenDuring(turn('never-ended', 5_000, undefined), outage)).toBe(true);
  });

  it('counts the ones that ended more than 60 s after the servers were back, or never, as late', () => {
    const turns = [
      turn('quick', 9_000, 12_000),
      turn('in-time', 20_000, 85_000),
      turn('late', 20_000, 85_001),
      turn('unaffected', 90_000, undefined),
    ];
    expect(recoveryOf([outage], turns)).toEqual({ late: 1, recoverySeconds: 60.001 });
    expect(recoveryOf([outage], [...turns, turn('hanging', 24_000, undefined)])).toEqual({
      late: 2,
      recoverySeconds: Infinity,
    });
  });

  it('reports 0 s when every turn ended before the servers were back, and counts a turn late once', () => {
    expect(recoveryOf([outage], [turn('quick', 9_000, 12_000)])).toEqual({ late: 0, recoverySeconds: 0 });
    const second: Outage = {
      servers: ['broker'],
      killedAt: 30_000,
      restartRequestedAt: 32_000,
      backAt: 40_000,
    };
    expect(recoveryOf([outage, second], [turn('hanging', 20_000, undefined)]).late).toBe(1);
    expect(recoveryOf([], [turn('hanging', 20_000, undefined)])).toEqual({ late: 0, recoverySeconds: 0 });
  });
});
