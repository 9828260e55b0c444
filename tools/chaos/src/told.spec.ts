import type { ClientTimeline } from './client-timeline';
import type { Outage } from './outage';
import { countUntold, firstTrueIn, wasTold } from './told';

const outage: Outage = { servers: ['broker'], killedAt: 10_000, restartRequestedAt: 13_000, backAt: 25_000 };

function timeline(patch: Partial<ClientTimeline> = {}): ClientTimeline {
  return {
    connected: [{ at: 1_000, value: true }],
    brokerUnavailable: [],
    unavailableSignals: [],
    ...patch,
  };
}

describe('clients told of an outage', () => {
  it('reads a value at a moment from its changes', () => {
    const changes = [
      { at: 1_000, value: true },
      { at: 5_000, value: false },
      { at: 12_000, value: true },
    ];
    expect(firstTrueIn(changes, 2_000, 3_000)).toBe(2_000);
    expect(firstTrueIn(changes, 6_000, 20_000)).toBe(12_000);
    expect(firstTrueIn(changes, 6_000, 11_000)).toBeUndefined();
    expect(firstTrueIn([], 0, 100)).toBeUndefined();
  });

  it('counts a broker view of unavailable, or an unavailable refusal, within 5 s of the kill', () => {
    const viewAt = (at: number) => timeline({ brokerUnavailable: [{ at, value: true }] });
    expect(wasTold(viewAt(14_000), outage)).toBe(true);
    expect(wasTold(viewAt(15_001), outage)).toBe(false);
    expect(wasTold(viewAt(2_000), outage)).toBe(true); // still showing it from before
    expect(wasTold(timeline({ unavailableSignals: [12_000] }), outage)).toBe(true);
    expect(wasTold(timeline({ unavailableSignals: [9_000, 16_000] }), outage)).toBe(false);
    expect(wasTold(timeline(), outage)).toBe(false);
  });

  it('gives a client that connected during the outage 5 s from then, and owes nothing to one never connected', () => {
    const late = timeline({
      connected: [
        { at: 1_000, value: true },
        { at: 9_000, value: false },
        { at: 18_000, value: true },
      ],
      brokerUnavailable: [{ at: 22_000, value: true }],
    });
    expect(wasTold(late, outage)).toBe(true);
    const away = timeline({
      connected: [
        { at: 1_000, value: true },
        { at: 9_000, value: false },
        { at: 26_000, value: true },
      ],
    });
    expect(wasTold(away, outage)).toBeUndefined();
  });

  it('counts the untold sessions of every outage', () => {
    const second: Outage = {
      servers: ['broker'],
      killedAt: 40_000,
      restartRequestedAt: 42_000,
      backAt: 50_000,
    };
    const toldOnce = timeline({
      brokerUnavailable: [
        { at: 11_000, value: true },
        { at: 26_000, value: false },
      ],
    });
    expect(countUntold([outage, second], [toldOnce, timeline()])).toBe(3);
  });
});
