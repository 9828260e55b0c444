import { RocketMQConfigError } from './rocketmq.errors';
import { type RocketMQModuleOptions, resolveRocketMQOptions } from './rocketmq.options';

const minimal = (): RocketMQModuleOptions => ({
  endpoints: '127.0.0.1:8081',
  sessionChannels: { parentTopic: 'chat' },
});

/** The problems a call reports, or [] when it succeeds. */
function problemsOf(raw: unknown): readonly string[] {
  try {
    resolveRocketMQOptions(raw as RocketMQModuleOptions);
    return [];
  } catch (error) {
    if (error instanceof RocketMQConfigError) return error.problems;
    throw error;
  }
}

describe('resolveRocketMQOptions', () => {
  it('applies the documented defaults', () => {
    expect(resolveRocketMQOptions(minimal())).toEqual({
      endpoints: '127.0.0.1:8081',
      namespace: '',
      credentials: undefined,
      startupTimeoutMs: 10_000,
      requestTimeoutMs: 3_000,
      sessionChannels: { parentTopic: 'chat', consumerGroup: undefined },
      producerTopics: [],
      busyRetries: 8,
      unhealthyAfterSendFailures: 3,
      revocationCheckIntervalMs: 2_000,
      stallRecoveryMs: 1_000,
      receiveInvisibleMs: 3_000,
      coalesceAcks: false,
      receiveLingerMs: 0,
      shutdownTimeoutMs: 5_000,
    });
  });

  it('keeps every value that was given', () => {
    const resolved = resolveRocketMQOptions({
      endpoints: ' a:8081;b:8082 ',
      namespace: 'dev',
      credentials: { accessKey: 'ak', accessSecret: 'sk' },
      startupTimeoutMs: 1,
      requestTimeoutMs: 1_000,
      sessionChannels: { parentTopic: 'chat', consumerGroup: 'gateway' },
      producerTopics: ['llm-jobs', 'audit%log'],
      busyRetries: 0,
      unhealthyAfterSendFailures: 7,
      revocationCheckIntervalMs: 100,
      stallRecoveryMs: 250,
      receiveInvisibleMs: 1_000,
      coalesceAcks: false,
      receiveLingerMs: 2,
      shutdownTimeoutMs: 1,
    });

    expect(resolved).toEqual({
      endpoints: 'a:8081;b:8082',
      namespace: 'dev',
      credentials: { accessKey: 'ak', accessSecret: 'sk' },
      startupTimeoutMs: 1,
      requestTimeoutMs: 1_000,
      sessionChannels: { parentTopic: 'chat', consumerGroup: 'gateway' },
      producerTopics: ['llm-jobs', 'audit%log'],
      busyRetries: 0,
      unhealthyAfterSendFailures: 7,
      revocationCheckIntervalMs: 100,
      stallRecoveryMs: 250,
      receiveInvisibleMs: 1_000,
      coalesceAcks: false,
      receiveLingerMs: 2,
      shutdownTimeoutMs: 1,
    });
  });

  it('accepts stallRecoveryMs = 0, which turns stall recovery off', () => {
    expect(resolveRocketMQOptions({ ...minimal(), stallRecoveryMs: 0 }).stallRecoveryMs).toBe(0);
  });

  it('returns a frozen result', () => {
    const resolved = resolveRocketMQOptions({ ...minimal(), producerTopics: ['jobs'] });

    expect(Object.isFrozen(resolved)).toBe(true);
    expect(Object.isFrozen(resolved.sessionChannels)).toBe(true);
    expect(Object.isFrozen(resolved.producerTopics)).toBe(true);
  });

  it('does not mutate the options it was given', () => {
    const raw: RocketMQModuleOptions = {
      endpoints: ' 127.0.0.1:8081 ',
      credentials: { accessKey: 'ak', accessSecret: 'sk' },
      sessionChannels: { parentTopic: 'chat', consumerGroup: 'gateway' },
      producerTopics: ['jobs'],
    };
    const before = structuredClone(raw);

    resolveRocketMQOptions(raw);

    expect(raw).toEqual(before);
    expect(Object.isFrozen(raw)).toBe(false);
    expect(Object.isFrozen(raw.sessionChannels)).toBe(false);
  });

  it('copies the lists and credentials, so later changes to them do not leak in', () => {
    const producerTopics = ['jobs'];
    const credentials = { accessKey: 'ak', accessSecret: 'sk' };
    const resolved = resolveRocketMQOptions({ ...minimal(), producerTopics, credentials });

    producerTopics.push('added-later');
    credentials.accessKey = 'changed-later';

    expect(resolved.producerTopics).toEqual(['jobs']);
    expect(resolved.credentials).toEqual({ accessKey: 'ak', accessSecret: 'sk' });
  });

  it('makes consumerGroup optional (a publish-only process)', () => {
    expect(resolveRocketMQOptions(minimal()).sessionChannels.consumerGroup).toBeUndefined();
    expect(
      resolveRocketMQOptions({
        ...minimal(),
        sessionChannels: { parentTopic: 'chat', consumerGroup: 'gateway' },
      }).sessionChannels.consumerGroup,
    ).toBe('gateway');
  });

  it.each(['127.0.0.1:8081', 'a:8081;b:8082', 'proxy.internal:8081', ' a:8081 ; b:8082 '])(
    'accepts the endpoints %p',
    (endpoints) => {
      expect(problemsOf({ ...minimal(), endpoints })).toEqual([]);
    },
  );

  it.each([
    ['empty', ''],
    ['only spaces', '   '],
    ['a host without port', 'nohost'],
    ['a non-numeric port', 'a:b'],
    ['a trailing separator', 'a:8081;'],
    ['a URL scheme', 'http://a:8081'],
    ['not a string', 8081],
    ['missing', undefined],
  ])('rejects endpoints that are %s', (_, endpoints) => {
    expect(problemsOf({ ...minimal(), endpoints })).toEqual([
      'endpoints must be "host:port" or several separated by ";" (e.g. 127.0.0.1:8081)',
    ]);
  });

  it.each([
    ['requestTimeoutMs', 999, 'requestTimeoutMs must be an integer >= 1000'],
    ['receiveInvisibleMs', 999, 'receiveInvisibleMs must be an integer >= 1000'],
    ['requestTimeoutMs', 0, 'requestTimeoutMs must be an integer >= 1000'],
    ['startupTimeoutMs', 0, 'startupTimeoutMs must be an integer >= 1'],
    ['startupTimeoutMs', 1.5, 'startupTimeoutMs must be an integer >= 1'],
    ['startupTimeoutMs', '5000', 'startupTimeoutMs must be an integer >= 1'],
    ['unhealthyAfterSendFailures', -1, 'unhealthyAfterSendFailures must be an integer >= 1'],
    ['revocationCheckIntervalMs', 99, 'revocationCheckIntervalMs must be an integer >= 100'],
    ['revocationCheckIntervalMs', Number.NaN, 'revocationCheckIntervalMs must be an integer >= 100'],
    ['stallRecoveryMs', -1, 'stallRecoveryMs must be an integer >= 0'],
    ['stallRecoveryMs', 0.5, 'stallRecoveryMs must be an integer >= 0'],
    ['shutdownTimeoutMs', 0, 'shutdownTimeoutMs must be an integer >= 1'],
    ['receiveLingerMs', -1, 'receiveLingerMs must be an integer >= 0'],
    ['coalesceAcks', 'yes', 'coalesceAcks must be true or false'],
  ])('rejects %s = %p', (field, value, problem) => {
    expect(problemsOf({ ...minimal(), [field]: value })).toEqual([problem]);
  });

  it('accepts requestTimeoutMs = 1000, the client minimum', () => {
    expect(resolveRocketMQOptions({ ...minimal(), requestTimeoutMs: 1_000 }).requestTimeoutMs).toBe(1_000);
  });

  it.each([
    ['a missing parentTopic', { parentTopic: undefined }, /parentTopic/],
    ['a parentTopic with a slash', { parentTopic: 'chat/s1' }, /parentTopic/],
    ['a parentTopic of 128 characters', { parentTopic: 'x'.repeat(128) }, /parentTopic/],
    ['a consumerGroup with a dot', { parentTopic: 'chat', consumerGroup: 'gate.way' }, /consumerGroup/],
    ['an empty consumerGroup', { parentTopic: 'chat', consumerGroup: '' }, /consumerGroup/],
  ])('rejects %s', (_, sessionChannels, problem) => {
    const problems = problemsOf({ ...minimal(), sessionChannels });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(problem);
  });

  it('rejects a missing sessionChannels block', () => {
    expect(problemsOf({ endpoints: '127.0.0.1:8081' })).toEqual([
      'sessionChannels.parentTopic must be a topic name ([A-Za-z0-9_%-], 1-127 characters)',
    ]);
  });

  it.each([
    ['not a list', 'jobs'],
    ['a bad topic name', ['jobs', 'no spaces']],
    ['a non-string entry', [42]],
  ])('rejects producerTopics that are %s', (_, producerTopics) => {
    expect(problemsOf({ ...minimal(), producerTopics })).toEqual([
      'producerTopics must be a list of topic names',
    ]);
  });

  it('rejects credentials without a secret', () => {
    expect(problemsOf({ ...minimal(), credentials: { accessKey: 'ak', accessSecret: '' } })).toEqual([
      'credentials need both accessKey and accessSecret',
    ]);
  });

  it('reports every problem at once, in the message and in `problems`', () => {
    const raw = {
      endpoints: 'nohost',
      requestTimeoutMs: 500,
      startupTimeoutMs: -1,
      unhealthyAfterSendFailures: 0,
      revocationCheckIntervalMs: 10,
      stallRecoveryMs: -5,
      shutdownTimeoutMs: 0,
      sessionChannels: { parentTopic: 'chat/x', consumerGroup: 'a b' },
      producerTopics: ['ok', 'not ok'],
      credentials: { accessKey: '', accessSecret: 'sk' },
    };

    let thrown: unknown;
    try {
      resolveRocketMQOptions(raw as RocketMQModuleOptions);
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(RocketMQConfigError);
    const error = thrown as RocketMQConfigError;
    expect(error.name).toBe('RocketMQConfigError');
    expect(error.problems).toEqual([
      'endpoints must be "host:port" or several separated by ";" (e.g. 127.0.0.1:8081)',
      'startupTimeoutMs must be an integer >= 1',
      'requestTimeoutMs must be an integer >= 1000',
      'unhealthyAfterSendFailures must be an integer >= 1',
      'revocationCheckIntervalMs must be an integer >= 100',
      'stallRecoveryMs must be an integer >= 0',
      'shutdownTimeoutMs must be an integer >= 1',
      'sessionChannels.parentTopic must be a topic name ([A-Za-z0-9_%-], 1-127 characters)',
      'sessionChannels.consumerGroup must match [A-Za-z0-9_-]+',
      'producerTopics must be a list of topic names',
      'credentials need both accessKey and accessSecret',
    ]);
    for (const problem of error.problems) expect(error.message).toContain(problem);
  });

  it('reports problems instead of crashing when given no options at all', () => {
    expect(problemsOf(undefined)).toEqual([
      'endpoints must be "host:port" or several separated by ";" (e.g. 127.0.0.1:8081)',
      'sessionChannels.parentTopic must be a topic name ([A-Za-z0-9_%-], 1-127 characters)',
    ]);
  });
});
