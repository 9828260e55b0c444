import { Backoff } from './backoff';

describe('Backoff', () => {
  it('doubles up to the cap, each delay drawn from [d/2, d]', () => {
    const low = new Backoff({ initialDelayMs: 100, maxDelayMs: 1000 }, () => 0);
    expect([1, 2, 3, 4, 5, 6].map(() => low.next())).toEqual([50, 100, 200, 400, 500, 500]);
    const high = new Backoff({ initialDelayMs: 100, maxDelayMs: 1000 }, () => 1);
    expect([1, 2, 3, 4, 5, 6].map(() => high.next())).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('starts over after reset()', () => {
    const backoff = new Backoff({ initialDelayMs: 100, maxDelayMs: 1000 }, () => 1);
    backoff.next();
    backoff.next();
    backoff.reset();
    expect(backoff.next()).toBe(100);
  });

  it('defaults to 250 ms growing to 5 s', () => {
    const backoff = new Backoff({}, () => 1);
    const delays = Array.from({ length: 8 }, () => backoff.next());
    expect(delays[0]).toBe(250);
    expect(delays.at(-1)).toBe(5000);
  });
});
