import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  brokerStorePaths,
  loadToolConfig,
  namesrvAddress,
  proxyEndpoint,
  proxyEndpoints,
  REPO_ROOT,
  serverPaths,
  ToolConfigError,
  toolPaths,
} from './config';

/** The problems loadToolConfig reports for `env`, or [] when it accepts it. */
function problemsOf(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    loadToolConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ToolConfigError) return error.problems;
    throw error;
  }
}

describe('loadToolConfig', () => {
  it('uses the defaults when no ROCKETMQ_* variable is set', () => {
    const config = loadToolConfig({});

    expect(config).toEqual({
      dir: path.join(REPO_ROOT, '.rocketmq'),
      confDir: path.join(REPO_ROOT, 'tools/rocketmq/conf'),
      host: '127.0.0.1',
      ports: { namesrv: 9876, broker: 10911, proxyGrpc: 8081, proxyRemoting: 8080 },
      brokers: 1,
      proxies: 1,
      gatewayGroups: 8,
      pinnedVersion: undefined,
      liteTopicExpirationMinutes: 1440,
      gc: 'g1',
      proxyGrpcEpoll: false,
      clusterName: 'DefaultCluster',
    });
    expect(existsSync(path.join(config.confDir, 'broker.conf'))).toBe(true);
    expect(proxyEndpoint(config)).toBe('127.0.0.1:8081');
    expect(namesrvAddress(config)).toBe('127.0.0.1:9876');
  });

  it('treats empty variables as unset', () => {
    const config = loadToolConfig({ ROCKETMQ_NAMESRV_PORT: '', ROCKETMQ_VERSION: '', ROCKETMQ_DIR: '' });

    expect(config.ports.namesrv).toBe(9876);
    expect(config.pinnedVersion).toBeUndefined();
    expect(config.dir).toBe(path.join(REPO_ROOT, '.rocketmq'));
  });

  it('applies every override', () => {
    const config = loadToolConfig({
      ROCKETMQ_DIR: '/var/tmp/rmq',
      ROCKETMQ_NAMESRV_PORT: '19876',
      ROCKETMQ_BROKER_PORT: '20911',
      ROCKETMQ_PROXY_PORT: '18081',
      ROCKETMQ_PROXY_REMOTING_PORT: '18080',
      ROCKETMQ_LITE_TOPIC_EXPIRATION_MINUTES: '-1',
      ROCKETMQ_VERSION: '5.5.0',
    });

    expect(config).toMatchObject({
      dir: '/var/tmp/rmq',
      ports: { namesrv: 19876, broker: 20911, proxyGrpc: 18081, proxyRemoting: 18080 },
      liteTopicExpirationMinutes: -1,
      pinnedVersion: '5.5.0',
    });
    expect(proxyEndpoint(config)).toBe('127.0.0.1:18081');
  });

  it('resolves a relative ROCKETMQ_DIR to an absolute path', () => {
    expect(loadToolConfig({ ROCKETMQ_DIR: 'some/dir' }).dir).toBe(path.resolve('some/dir'));
  });

  it.each(['1', '43200'])('accepts a lite topic expiration of %s minutes', (minutes) => {
    expect(
      loadToolConfig({ ROCKETMQ_LITE_TOPIC_EXPIRATION_MINUTES: minutes }).liteTopicExpirationMinutes,
    ).toBe(Number(minutes));
  });

  it.each(['0', '-2', '43201', '1.5', 'never'])('rejects a lite topic expiration of %p', (minutes) => {
    expect(problemsOf({ ROCKETMQ_LITE_TOPIC_EXPIRATION_MINUTES: minutes })).toEqual([
      `ROCKETMQ_LITE_TOPIC_EXPIRATION_MINUTES must be -1 (never) or 1..43200 (got "${minutes}")`,
    ]);
  });

  it.each(['1023', '65535', '8081.5', 'http', '0x2400'])('rejects the port %p', (port) => {
    expect(problemsOf({ ROCKETMQ_PROXY_PORT: port })).toEqual([
      `ROCKETMQ_PROXY_PORT must be a port number between 1024 and 65534 (got "${port}")`,
    ]);
  });

  it.each(['5.4.0', '5.6.0', '5.5', 'latest', '5.5.0-SNAPSHOT'])('rejects the version %p', (version) => {
    expect(problemsOf({ ROCKETMQ_VERSION: version })).toEqual([
      `ROCKETMQ_VERSION must be a 5.5.x version such as 5.5.0 (got "${version}")`,
    ]);
  });

  it.each(['G1', 'zgc', 'true'])('rejects the collector %p', (gc) => {
    expect(problemsOf({ ROCKETMQ_GC: gc })).toEqual([
      `ROCKETMQ_GC must be one of g1, parallel, serial (got "${gc}")`,
    ]);
  });

  it.each(['yes', '1', 'TRUE'])('rejects the epoll switch %p', (value) => {
    expect(problemsOf({ ROCKETMQ_PROXY_GRPC_EPOLL: value })).toEqual([
      `ROCKETMQ_PROXY_GRPC_EPOLL must be true or false (got "${value}")`,
    ]);
  });

  it('takes the collector and the epoll switch', () => {
    expect(loadToolConfig({ ROCKETMQ_GC: 'parallel', ROCKETMQ_PROXY_GRPC_EPOLL: 'true' })).toMatchObject({
      gc: 'parallel',
      proxyGrpcEpoll: true,
    });
  });

  it('reports every problem at once', () => {
    let thrown: unknown;
    try {
      loadToolConfig({
        ROCKETMQ_NAMESRV_PORT: '80',
        ROCKETMQ_PROXY_PORT: 'not-a-port',
        ROCKETMQ_LITE_TOPIC_EXPIRATION_MINUTES: '0',
        ROCKETMQ_VERSION: '5.4.0',
      });
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(ToolConfigError);
    const error = thrown as ToolConfigError;
    expect(error.name).toBe('ToolConfigError');
    expect(error.problems).toEqual([
      'ROCKETMQ_NAMESRV_PORT must be a port number between 1024 and 65534 (got "80")',
      'ROCKETMQ_PROXY_PORT must be a port number between 1024 and 65534 (got "not-a-port")',
      'ROCKETMQ_LITE_TOPIC_EXPIRATION_MINUTES must be -1 (never) or 1..43200 (got "0")',
      'ROCKETMQ_VERSION must be a 5.5.x version such as 5.5.0 (got "5.4.0")',
    ]);
    for (const problem of error.problems) expect(error.message).toContain(problem);
  });

  it.each([
    ['the proxy on the name server port', { ROCKETMQ_PROXY_PORT: '9876' }],
    ['both proxy ports the same', { ROCKETMQ_PROXY_PORT: '18080', ROCKETMQ_PROXY_REMOTING_PORT: '18080' }],
    ["the proxy on the broker's fast remoting port (port-2)", { ROCKETMQ_PROXY_PORT: '10909' }],
    ["the proxy on the broker's HA port (port+1)", { ROCKETMQ_PROXY_REMOTING_PORT: '10912' }],
    ["the broker's port-2 on the proxy remoting port", { ROCKETMQ_BROKER_PORT: '8082' }],
  ])('detects overlapping ports: %s', (_, env) => {
    const problems = problemsOf(env);

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^ports overlap: /);
  });

  it.each(['1', '2', '4'])('accepts %s brokers', (brokers) => {
    expect(loadToolConfig({ ROCKETMQ_BROKERS: brokers }).brokers).toBe(Number(brokers));
  });

  it('reads the numbers of brokers and proxies', () => {
    expect(loadToolConfig({ ROCKETMQ_BROKERS: '3', ROCKETMQ_PROXIES: '2' })).toMatchObject({
      brokers: 3,
      proxies: 2,
    });
  });

  it.each(['0', '5', '2.0', 'two', '-1'])('rejects %p brokers', (brokers) => {
    expect(problemsOf({ ROCKETMQ_BROKERS: brokers })).toEqual([
      `ROCKETMQ_BROKERS must be a whole number from 1 to 4 (got "${brokers}")`,
    ]);
  });

  it.each(['0', '3'])('rejects %p proxies', (proxies) => {
    expect(problemsOf({ ROCKETMQ_PROXIES: proxies })).toEqual([
      `ROCKETMQ_PROXIES must be a whole number from 1 to 2 (got "${proxies}")`,
    ]);
  });

  it.each([
    ["the second broker on the proxy's gRPC port", { ROCKETMQ_BROKERS: '2', ROCKETMQ_PROXY_PORT: '11011' }],
    [
      "the fourth broker's HA port on the second proxy's remoting port",
      { ROCKETMQ_BROKERS: '4', ROCKETMQ_PROXIES: '2', ROCKETMQ_PROXY_REMOTING_PORT: '11112' },
    ],
    ['the second proxy on the name server port', { ROCKETMQ_PROXIES: '2', ROCKETMQ_PROXY_PORT: '9776' }],
  ])('detects overlapping ports of the other servers: %s', (_, env) => {
    const problems = problemsOf(env);

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^ports overlap: /);
  });

  it('names both uses of an overlapping port', () => {
    expect(problemsOf({ ROCKETMQ_BROKERS: '2', ROCKETMQ_PROXY_PORT: '11009' })).toEqual([
      'ports overlap: 11009 (Broker broker-b fast-remoting port (ROCKETMQ_BROKER_PORT + 98), Proxy gRPC (ROCKETMQ_PROXY_PORT))',
    ]);
  });

  it('finds no overlap in the layout the README suggests for a second cluster', () => {
    expect(
      problemsOf({
        ROCKETMQ_NAMESRV_PORT: '19876',
        ROCKETMQ_BROKER_PORT: '20911',
        ROCKETMQ_PROXY_PORT: '18081',
        ROCKETMQ_PROXY_REMOTING_PORT: '18080',
        ROCKETMQ_BROKERS: '4',
        ROCKETMQ_PROXIES: '2',
      }),
    ).toEqual([]);
  });

  it('rejects a broker port that leaves no room for the other brokers', () => {
    expect(problemsOf({ ROCKETMQ_BROKER_PORT: '65400', ROCKETMQ_BROKERS: '3' })).toEqual([
      'the Broker broker-c (ROCKETMQ_BROKER_PORT + 200) would be port 65600, above 65535',
      'the Broker broker-c fast-remoting port (ROCKETMQ_BROKER_PORT + 198) would be port 65598, above 65535',
      'the Broker broker-c HA port (ROCKETMQ_BROKER_PORT + 201) would be port 65601, above 65535',
    ]);
  });

  it('lists every proxy in the endpoint', () => {
    expect(proxyEndpoint(loadToolConfig({ ROCKETMQ_PROXIES: '2' }))).toBe('127.0.0.1:8081;127.0.0.1:8181');
    expect(proxyEndpoints(loadToolConfig({ ROCKETMQ_PROXIES: '2' }))).toEqual([
      '127.0.0.1:8081',
      '127.0.0.1:8181',
    ]);
    expect(proxyEndpoints(loadToolConfig({}))).toEqual(['127.0.0.1:8081']);
    expect(proxyEndpoint(loadToolConfig({ ROCKETMQ_PROXIES: '2', ROCKETMQ_PROXY_PORT: '18081' }))).toBe(
      '127.0.0.1:18081;127.0.0.1:18181',
    );
  });

  it('derives the working paths from the folder', () => {
    const paths = toolPaths(loadToolConfig({ ROCKETMQ_DIR: '/var/tmp/rmq' }));

    expect(paths.store).toBe('/var/tmp/rmq/store');
    expect(paths.libDir('5.5.0')).toBe('/var/tmp/rmq/dist/5.5.0/lib');
    expect(paths.completeMarker('5.5.0')).toBe('/var/tmp/rmq/dist/5.5.0/COMPLETE');
  });
});

describe('server paths', () => {
  const config = loadToolConfig({
    ROCKETMQ_DIR: '/var/tmp/rmq',
    ROCKETMQ_BROKERS: '2',
    ROCKETMQ_PROXIES: '2',
  });

  it('keeps the file names a one-broker cluster always had for the first servers', () => {
    expect(serverPaths(config, 'namesrv')).toEqual({
      pid: '/var/tmp/rmq/run/namesrv.pid',
      stdout: '/var/tmp/rmq/logs/namesrv.out',
      conf: '/var/tmp/rmq/conf/namesrv.properties',
      home: '/var/tmp/rmq',
    });
    expect(serverPaths(config, 'broker')).toEqual({
      pid: '/var/tmp/rmq/run/broker.pid',
      stdout: '/var/tmp/rmq/logs/broker.out',
      conf: '/var/tmp/rmq/conf/broker.conf',
      home: '/var/tmp/rmq',
    });
    expect(serverPaths(config, 'proxy').conf).toBe('/var/tmp/rmq/conf/rmq-proxy.json');
    expect(brokerStorePaths(config, 'broker')).toEqual({
      store: '/var/tmp/rmq/store',
      provisionedMarker: toolPaths(config).provisionedMarker,
    });
  });

  it('gives every other server its own files and JVM home (RocketMQ logs there)', () => {
    expect(serverPaths(config, 'broker-b')).toEqual({
      pid: '/var/tmp/rmq/run/broker-b.pid',
      stdout: '/var/tmp/rmq/logs/broker-b.out',
      conf: '/var/tmp/rmq/conf/broker-b.conf',
      home: '/var/tmp/rmq/home/broker-b',
    });
    expect(serverPaths(config, 'proxy-2')).toEqual({
      pid: '/var/tmp/rmq/run/proxy-2.pid',
      stdout: '/var/tmp/rmq/logs/proxy-2.out',
      conf: '/var/tmp/rmq/conf/rmq-proxy-2.json',
      home: '/var/tmp/rmq/home/proxy-2',
    });
    expect(brokerStorePaths(config, 'broker-b')).toEqual({
      store: '/var/tmp/rmq/store-broker-b',
      provisionedMarker: '/var/tmp/rmq/store-broker-b/litesession-provisioned.json',
    });
  });
});
