import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadToolConfig } from './config';
import { renderBrokerConf, renderNamesrvConf, renderProxyConf } from './server-config';

/** Parses a Java properties file into key → every value it was given. */
function properties(text: string): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const at = trimmed.indexOf('=');
    const key = trimmed.slice(0, at);
    result.set(key, [...(result.get(key) ?? []), trimmed.slice(at + 1)]);
  }
  return result;
}

const config = loadToolConfig({
  ROCKETMQ_DIR: '/var/tmp/litesession-rmq',
  ROCKETMQ_NAMESRV_PORT: '19876',
  ROCKETMQ_BROKER_PORT: '20911',
  ROCKETMQ_PROXY_PORT: '18081',
  ROCKETMQ_PROXY_REMOTING_PORT: '18080',
});

describe('renderBrokerConf', () => {
  const conf = properties(renderBrokerConf(config));

  it('enables LiteTopic storage (LMQ and multi-dispatch)', () => {
    expect(conf.get('enableLmq')).toEqual(['true']);
    expect(conf.get('enableMultiDispatch')).toEqual(['true']);
  });

  it('listens and advertises on loopback at the configured port', () => {
    expect(conf.get('brokerIP1')).toEqual(['127.0.0.1']);
    expect(conf.get('bindAddress')).toEqual(['127.0.0.1']);
    expect(conf.get('listenPort')).toEqual(['20911']);
    expect(conf.get('namesrvAddr')).toEqual(['127.0.0.1:19876']);
  });

  it('stores everything under the working folder', () => {
    expect(conf.get('storePathRootDir')).toEqual(['/var/tmp/litesession-rmq/store']);
    expect(conf.get('storePathCommitLog')).toEqual(['/var/tmp/litesession-rmq/store/commitlog']);
  });

  it('names the cluster and broker', () => {
    expect(conf.get('brokerClusterName')).toEqual(['DefaultCluster']);
    expect(conf.get('brokerName')).toEqual(['broker-a']);
  });

  it('keeps the checked-in base settings and sets no key twice', () => {
    const base = properties(readFileSync(path.join(config.confDir, 'broker.conf'), 'utf8'));

    for (const [key, values] of base) expect(conf.get(key)).toEqual(values);
    for (const [key, values] of conf) expect([key, values.length]).toEqual([key, 1]);
  });
});

describe('renderBrokerConf for a further broker', () => {
  const conf = properties(
    renderBrokerConf(
      loadToolConfig({
        ROCKETMQ_DIR: '/var/tmp/litesession-rmq',
        ROCKETMQ_BROKER_PORT: '20911',
        ROCKETMQ_BROKERS: '2',
      }),
      'broker-b',
    ),
  );

  it('names it broker-b in the same cluster', () => {
    expect(conf.get('brokerName')).toEqual(['broker-b']);
    expect(conf.get('brokerClusterName')).toEqual(['DefaultCluster']);
    expect(conf.get('brokerId')).toEqual(['0']);
  });

  it('gives it its own ports and store', () => {
    expect(conf.get('listenPort')).toEqual(['21011']);
    expect(conf.get('storePathRootDir')).toEqual(['/var/tmp/litesession-rmq/store-broker-b']);
    expect(conf.get('storePathCommitLog')).toEqual(['/var/tmp/litesession-rmq/store-broker-b/commitlog']);
  });
});

describe('renderNamesrvConf', () => {
  it('sets the port and the loopback address', () => {
    expect(renderNamesrvConf(config)).toBe('listenPort=19876\nbindAddress=127.0.0.1\n');
  });
});

describe('renderProxyConf', () => {
  const conf = JSON.parse(renderProxyConf(config)) as Record<string, unknown>;

  it('runs the proxy in cluster mode against the local name server', () => {
    expect(conf).toMatchObject({
      proxyMode: 'cluster',
      rocketMQClusterName: 'DefaultCluster',
      namesrvAddr: '127.0.0.1:19876',
      localServeAddr: '127.0.0.1',
    });
  });

  it('uses the configured gRPC and remoting ports', () => {
    expect(conf['grpcServerPort']).toBe(18081);
    expect(conf['remotingListenPort']).toBe(18080);
  });

  it('keeps the other checked-in settings', () => {
    expect(conf['enablePrintJstack']).toBe(false);
  });

  it('turns the gRPC epoll transport on only when asked', () => {
    expect(conf['enableGrpcEpoll']).toBe(false);
    const epoll = loadToolConfig({ ROCKETMQ_PROXY_GRPC_EPOLL: 'true' });
    expect(JSON.parse(renderProxyConf(epoll))).toMatchObject({ enableGrpcEpoll: true });
  });

  it("gives the second proxy the first one's ports + 100", () => {
    const second = JSON.parse(renderProxyConf(config, 'proxy-2')) as Record<string, unknown>;

    expect(second).toMatchObject({ grpcServerPort: 18181, remotingListenPort: 18180, proxyMode: 'cluster' });
  });
});
