import { compareVersions, parseDependencyList } from './artifacts';

// What `mvn dependency:list -DoutputFile=…` writes (Maven 3.9 adds the JPMS module names).
const DEPENDENCY_LIST = `
The following files have been resolved:
   org.apache.rocketmq:rocketmq-broker:jar:5.5.1:compile -- module rocketmq.broker (auto)
   org.apache.rocketmq:rocketmq-proxy:jar:5.5.0:compile -- module rocketmq.proxy (auto)
   org.apache.rocketmq:rocketmq-namesrv:jar:5.5.0:compile -- module rocketmq.namesrv (auto)
   org.apache.rocketmq:rocketmq-tools:jar:5.5.0:compile -- module rocketmq.tools (auto)
   org.apache.rocketmq:rocketmq-common:jar:5.5.0:compile -- module rocketmq.common (auto)
   org.apache.rocketmq:rocketmq-client-java:jar:5.0.8:compile -- module rocketmq.client.java (auto)
   io.grpc:grpc-core:jar:1.53.0:compile -- module io.grpc.core
   com.alibaba:fastjson:jar:1.2.83_noneautotype:compile -- module fastjson (auto)

`;

describe('parseDependencyList', () => {
  it('finds the version of each of the four server artifacts and ignores the rest', () => {
    expect(parseDependencyList(DEPENDENCY_LIST)).toEqual(
      new Map([
        ['rocketmq-broker', '5.5.1'],
        ['rocketmq-proxy', '5.5.0'],
        ['rocketmq-namesrv', '5.5.0'],
        ['rocketmq-tools', '5.5.0'],
      ]),
    );
  });

  it('reads lines without the module suffix and with Maven log prefixes', () => {
    const text = [
      '[INFO] --- dependency:3.6.1:list (default-cli) @ litesession-rocketmq-versions ---',
      '[INFO]    org.apache.rocketmq:rocketmq-broker:jar:5.5.0:compile',
      '[INFO]    org.apache.rocketmq:rocketmq-proxy:jar:5.5.0:runtime',
    ].join('\n');

    expect(parseDependencyList(text)).toEqual(
      new Map([
        ['rocketmq-broker', '5.5.0'],
        ['rocketmq-proxy', '5.5.0'],
      ]),
    );
  });

  it('returns an empty map when nothing was resolved', () => {
    expect(parseDependencyList('The following files have been resolved:\n   none\n')).toEqual(new Map());
  });
});

describe('compareVersions', () => {
  it.each([
    ['5.5.0', '5.5.1', -1],
    ['5.5.1', '5.5.0', 1],
    ['5.5.0', '5.5.0', 0],
    ['5.10.0', '5.9.0', 1],
    ['5.5', '5.5.0', 0],
    ['5.5.0', '5.5.0.1', -1],
  ])('compares %s with %s numerically', (a, b, sign) => {
    expect(Math.sign(compareVersions(a, b))).toBe(sign);
  });

  it('sorts versions oldest first', () => {
    expect(['5.5.10', '5.5.2', '5.5.0', '5.5.1'].sort(compareVersions)).toEqual([
      '5.5.0',
      '5.5.1',
      '5.5.2',
      '5.5.10',
    ]);
  });
});
