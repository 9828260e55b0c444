import { loadToolConfig } from './config';
import { CHAT_TOPIC, type GroupSpec, groupCommand, groups, topicCommand, topics } from './resources';

const NAMESRV = '127.0.0.1:9876';
const CLUSTER = 'DefaultCluster';

describe('topicCommand', () => {
  it('creates a LITE topic with its message type and expiration attributes', () => {
    expect(
      topicCommand({ name: 'chat', type: 'LITE', liteTopicExpirationMinutes: 1440 }, NAMESRV, CLUSTER),
    ).toEqual([
      'updateTopic',
      '-n',
      '127.0.0.1:9876',
      '-c',
      'DefaultCluster',
      '-t',
      'chat',
      '-a',
      '+message.type=LITE,+lite.topic.expiration=1440',
    ]);
  });

  it('passes "never expires" (-1) through unchanged', () => {
    expect(
      topicCommand({ name: 'chat', type: 'LITE', liteTopicExpirationMinutes: -1 }, NAMESRV, CLUSTER),
    ).toContain('+message.type=LITE,+lite.topic.expiration=-1');
  });

  it('creates a NORMAL topic without the order flag', () => {
    expect(topicCommand({ name: 'jobs', type: 'NORMAL' }, NAMESRV, CLUSTER)).toEqual([
      'updateTopic',
      '-n',
      NAMESRV,
      '-c',
      CLUSTER,
      '-t',
      'jobs',
      '-a',
      '+message.type=NORMAL',
    ]);
  });

  it('creates a FIFO topic with the order flag', () => {
    expect(topicCommand({ name: 'jobs', type: 'FIFO' }, NAMESRV, CLUSTER)).toEqual([
      'updateTopic',
      '-n',
      NAMESRV,
      '-c',
      CLUSTER,
      '-t',
      'jobs',
      '-o',
      'true',
      '-a',
      '+message.type=FIFO',
    ]);
  });
});

describe('groupCommand', () => {
  it('creates the lite group with the long --attributes option, unordered delivery and 3 retries', () => {
    const [gateway] = groups({ gatewayGroups: 1 });
    if (!gateway) throw new Error('no group is provisioned');

    expect(groupCommand(gateway, NAMESRV, CLUSTER)).toEqual([
      'updateSubGroup',
      '-n',
      '127.0.0.1:9876',
      '-c',
      'DefaultCluster',
      '-g',
      'gateway-0',
      '-o',
      'false',
      '-r',
      '3',
      '--attributes',
      '+lite.bind.topic=chat,+lite.sub.model=Exclusive,+lite.sub.client.quota=20000,+lite.sub.client.max.event.cnt=10000',
    ]);
  });

  it('never uses -a, which means something else to updateSubGroup', () => {
    const [gateway] = groups({ gatewayGroups: 1 });
    if (!gateway) throw new Error('no group is provisioned');

    expect(groupCommand(gateway, NAMESRV, CLUSTER)).not.toContain('-a');
  });

  it('adds no attributes to a group that is not a lite group', () => {
    const group: GroupSpec = { name: 'llm-scheduler', orderly: false, retryMaxTimes: 16 };

    expect(groupCommand(group, NAMESRV, CLUSTER)).toEqual([
      'updateSubGroup',
      '-n',
      NAMESRV,
      '-c',
      CLUSTER,
      '-g',
      'llm-scheduler',
      '-o',
      'false',
      '-r',
      '16',
    ]);
  });
});

describe('groupCommand with an exponential retry policy', () => {
  it('passes the policy as JSON with -p (the Node client ignores the default CUSTOMIZED policy)', () => {
    const group: GroupSpec = {
      name: 'workers',
      orderly: true,
      retryMaxTimes: 3,
      exponentialRetry: { initialMs: 1000, maxMs: 60_000, multiplier: 2 },
    };
    const args = groupCommand(group, NAMESRV, CLUSTER);
    expect(args.slice(args.indexOf('-p'), args.indexOf('-p') + 2)).toEqual([
      '-p',
      '{"type":"EXPONENTIAL","exponentialRetryPolicy":{"initial":1000,"max":60000,"multiplier":2}}',
    ]);
  });
});

describe('provisioned resources', () => {
  it('provisions the chat topic as LITE with the configured expiration', () => {
    const config = loadToolConfig({ ROCKETMQ_LITE_TOPIC_EXPIRATION_MINUTES: '60' });

    expect(topics(config)).toEqual([
      { name: CHAT_TOPIC, type: 'LITE', liteTopicExpirationMinutes: 60 },
      { name: 'chat-requests', type: 'FIFO' },
      { name: 'chat-control', type: 'LITE', liteTopicExpirationMinutes: 60 },
      { name: 'chat-transcript', type: 'LITE', liteTopicExpirationMinutes: 60 },
      { name: 'transport-fifo-test', type: 'FIFO' },
    ]);
  });

  it('provisions gateway-0 … gateway-7 unless ROCKETMQ_GATEWAY_GROUPS says otherwise', () => {
    const names = (env: NodeJS.ProcessEnv) =>
      groups(loadToolConfig(env))
        .map((group) => group.name)
        .filter((name) => name.startsWith('gateway-'));

    expect(names({})).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((index) => `gateway-${index}`));
    expect(names({ ROCKETMQ_GATEWAY_GROUPS: '2' })).toEqual(['gateway-0', 'gateway-1']);
  });

  it('refuses a gateway group count that is not 1 … 1024', () => {
    for (const raw of ['0', '-1', '1025', 'many', '1.5']) {
      expect(() => loadToolConfig({ ROCKETMQ_GATEWAY_GROUPS: raw })).toThrow(/ROCKETMQ_GATEWAY_GROUPS/);
    }
  });

  it('binds each gateway group and the scheduler reader groups to their lite topics, exclusively; the scheduler group is concurrent', () => {
    const gatewayGroup = (name: string) => ({
      name,
      orderly: false,
      retryMaxTimes: 3,
      lite: { bindTopic: CHAT_TOPIC, subModel: 'Exclusive', clientQuota: 20000, maxEventCount: 10000 },
    });
    expect(groups({ gatewayGroups: 2 })).toEqual([
      gatewayGroup('gateway-0'),
      gatewayGroup('gateway-1'),
      {
        name: 'llm-scheduler',
        orderly: false,
        retryMaxTimes: 8,
        exponentialRetry: { initialMs: 1000, maxMs: 30_000, multiplier: 2 },
      },
      {
        name: 'llm-scheduler-history',
        orderly: false,
        retryMaxTimes: 3,
        lite: { bindTopic: CHAT_TOPIC, subModel: 'Exclusive', clientQuota: 20000, maxEventCount: 10000 },
      },
      {
        name: 'llm-scheduler-control',
        orderly: false,
        retryMaxTimes: 3,
        lite: { bindTopic: 'chat-control', subModel: 'Exclusive', clientQuota: 20000, maxEventCount: 10000 },
      },
      {
        name: 'llm-scheduler-transcript',
        orderly: false,
        retryMaxTimes: 3,
        lite: {
          bindTopic: 'chat-transcript',
          subModel: 'Exclusive',
          clientQuota: 20000,
          maxEventCount: 10000,
        },
      },
      {
        name: 'transport-fifo-test',
        orderly: true,
        retryMaxTimes: 3,
        exponentialRetry: { initialMs: 1000, maxMs: 30_000, multiplier: 2 },
      },
      {
        name: 'probe-fifo',
        orderly: true,
        retryMaxTimes: 3,
        lite: { bindTopic: CHAT_TOPIC, subModel: 'Exclusive', clientQuota: 20000, maxEventCount: 10000 },
      },
    ]);
  });
});
