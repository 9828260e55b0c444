import { leaseSettings } from './lease-settings';

describe('leaseSettings', () => {
  it('renews four times per lease', () => {
    expect(leaseSettings(4_000)).toEqual({ leaseMs: 4_000, renewEveryMs: 1_000 });
    expect(leaseSettings(2_000)).toEqual({ leaseMs: 2_000, renewEveryMs: 500 });
  });

  it('renews at most every 250 ms', () => {
    expect(leaseSettings(600)).toEqual({ leaseMs: 600, renewEveryMs: 250 });
  });
});
