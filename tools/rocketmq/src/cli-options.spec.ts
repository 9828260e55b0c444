import { settingsFromFlags, UsageError } from './cli-options';

describe('settingsFromFlags', () => {
  it('turns --brokers and --proxies into their settings, over the environment', () => {
    expect(
      settingsFromFlags(['--brokers', '2', '--proxies=2'], { ROCKETMQ_BROKERS: '1', ROCKETMQ_DIR: '/x' }),
    ).toEqual({ ROCKETMQ_BROKERS: '2', ROCKETMQ_PROXIES: '2', ROCKETMQ_DIR: '/x' });
  });

  it('leaves the environment as it is without flags', () => {
    const env = { ROCKETMQ_BROKERS: '3' };

    expect(settingsFromFlags([], env)).toEqual(env);
  });

  it('passes values through unchecked (loadToolConfig reports them)', () => {
    expect(settingsFromFlags(['--brokers', 'many'], {})).toEqual({ ROCKETMQ_BROKERS: 'many' });
  });

  it.each([
    [['--brokers'], '--brokers needs a value, e.g. --brokers 2'],
    [['--brokers='], '--brokers needs a value, e.g. --brokers 2'],
    [['--nodes', '2'], 'unknown option "--nodes"'],
    [['2'], 'unknown option "2"'],
  ])('refuses %p', (args, message) => {
    expect(() => settingsFromFlags(args, {})).toThrow(new UsageError(message));
  });
});
