import { describeOutage, randomPauseMs, runOutage } from './outage';

/** A clock that moves only when the fake sleep or a step says so. */
function fakeTime() {
  let now = 1_000;
  return {
    now: () => now,
    advance: (ms: number) => (now += ms),
    sleep: async (ms: number) => {
      now += ms;
    },
  };
}

describe('runOutage', () => {
  it('kills, pauses, restarts, and records when each happened', async () => {
    const time = fakeTime();
    const steps: string[] = [];
    const outage = await runOutage({
      servers: ['broker', 'proxy'],
      kill: async () => {
        steps.push('kill');
        time.advance(50);
      },
      pauseMs: 3_000,
      restart: async () => {
        steps.push('restart');
        time.advance(11_000);
      },
      now: time.now,
      sleep: time.sleep,
    });
    expect(steps).toEqual(['kill', 'restart']);
    expect(outage).toEqual({
      servers: ['broker', 'proxy'],
      killedAt: 1_050,
      restartRequestedAt: 4_050,
      backAt: 15_050,
    });
    expect(describeOutage(outage)).toBe('broker+proxy down 14.0 s (pause 3.0 s, restart 11.0 s)');
  });

  it('restarts even when the kill failed, then reports the kill error', async () => {
    const time = fakeTime();
    const restart = jest.fn(async () => undefined);
    const kill = async () => {
      throw new Error('proxy is not running');
    };
    await expect(
      runOutage({ servers: ['proxy'], kill, pauseMs: 1_000, restart, now: time.now, sleep: time.sleep }),
    ).rejects.toThrow('proxy is not running');
    expect(restart).toHaveBeenCalledTimes(1);
  });

  it('tries a failed restart once more, and throws when that fails too', async () => {
    const time = fakeTime();
    const flaky = jest
      .fn<Promise<void>, []>()
      .mockRejectedValueOnce(new Error('port in use'))
      .mockResolvedValueOnce(undefined);
    const outage = await runOutage({
      servers: ['broker'],
      kill: async () => undefined,
      pauseMs: 1_000,
      restart: flaky,
      now: time.now,
      sleep: time.sleep,
    });
    expect(flaky).toHaveBeenCalledTimes(2);
    expect(outage.backAt).toBeGreaterThan(outage.restartRequestedAt);
    const broken = jest.fn(async () => {
      throw new Error('broker exited during start-up');
    });
    await expect(
      runOutage({
        servers: ['broker'],
        kill: async () => undefined,
        pauseMs: 1_000,
        restart: broken,
        now: time.now,
        sleep: time.sleep,
      }),
    ).rejects.toThrow('broker exited during start-up');
    expect(broken).toHaveBeenCalledTimes(2);
  });

  it('pauses 1 to 5 s', () => {
    expect(randomPauseMs(() => 0)).toBe(1_000);
    expect(randomPauseMs(() => 0.999_999)).toBe(4_999);
  });
});
