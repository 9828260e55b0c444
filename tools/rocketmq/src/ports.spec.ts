import { portOverlaps, portsOf } from './ports';

const PORTS = { namesrv: 9876, broker: 10911, proxyGrpc: 8081, proxyRemoting: 8080 };

describe('portsOf', () => {
  it('gives the first servers the ports and names they always had', () => {
    expect(portsOf(PORTS, 'namesrv')).toEqual([{ port: 9876, use: 'NameServer (ROCKETMQ_NAMESRV_PORT)' }]);
    expect(portsOf(PORTS, 'broker')).toEqual([
      { port: 10911, use: 'Broker (ROCKETMQ_BROKER_PORT)' },
      { port: 10909, use: 'Broker fast-remoting port (ROCKETMQ_BROKER_PORT - 2)' },
      { port: 10912, use: 'Broker HA port (ROCKETMQ_BROKER_PORT + 1)' },
    ]);
    expect(portsOf(PORTS, 'proxy')).toEqual([
      { port: 8081, use: 'Proxy gRPC (ROCKETMQ_PROXY_PORT)' },
      { port: 8080, use: 'Proxy remoting (ROCKETMQ_PROXY_REMOTING_PORT)' },
    ]);
  });

  it('puts each further broker 100 ports above the one before', () => {
    expect(portsOf(PORTS, 'broker-b')).toEqual([
      { port: 11011, use: 'Broker broker-b (ROCKETMQ_BROKER_PORT + 100)' },
      { port: 11009, use: 'Broker broker-b fast-remoting port (ROCKETMQ_BROKER_PORT + 98)' },
      { port: 11012, use: 'Broker broker-b HA port (ROCKETMQ_BROKER_PORT + 101)' },
    ]);
    expect(portsOf(PORTS, 'broker-d').map((p) => p.port)).toEqual([11211, 11209, 11212]);
  });

  it("puts the second proxy 100 ports above the first one's", () => {
    expect(portsOf(PORTS, 'proxy-2')).toEqual([
      { port: 8181, use: 'Proxy proxy-2 gRPC (ROCKETMQ_PROXY_PORT + 100)' },
      { port: 8180, use: 'Proxy proxy-2 remoting (ROCKETMQ_PROXY_REMOTING_PORT + 100)' },
    ]);
  });
});

describe('portOverlaps', () => {
  it('finds none in the default layout of a full cluster', () => {
    expect(
      portOverlaps(PORTS, ['namesrv', 'broker', 'broker-b', 'broker-c', 'broker-d', 'proxy', 'proxy-2']),
    ).toEqual([]);
  });

  it('names every use of a shared port', () => {
    expect(portOverlaps({ ...PORTS, proxyGrpc: 11012 }, ['namesrv', 'broker', 'broker-b', 'proxy'])).toEqual([
      '11012 (Broker broker-b HA port (ROCKETMQ_BROKER_PORT + 101), Proxy gRPC (ROCKETMQ_PROXY_PORT))',
    ]);
  });

  it('only looks at the servers it is given', () => {
    expect(portOverlaps({ ...PORTS, proxyGrpc: 11012 }, ['namesrv', 'broker', 'proxy'])).toEqual([]);
  });
});
