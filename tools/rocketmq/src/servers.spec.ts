import {
  ALL_ROLES,
  brokerNameOf,
  brokerRoles,
  clusterRoles,
  indexOf,
  kindOf,
  parseServerName,
  proxyRoles,
} from './servers';

describe('clusterRoles', () => {
  it('is namesrv, broker, proxy for the default cluster, as it always was', () => {
    expect(clusterRoles({ brokers: 1, proxies: 1 })).toEqual(['namesrv', 'broker', 'proxy']);
  });

  it('starts the NameServer, then every broker, then the proxies', () => {
    expect(clusterRoles({ brokers: 3, proxies: 2 })).toEqual([
      'namesrv',
      'broker',
      'broker-b',
      'broker-c',
      'proxy',
      'proxy-2',
    ]);
  });

  it('knows every server a folder can hold', () => {
    expect(ALL_ROLES).toEqual(['namesrv', 'broker', 'broker-b', 'broker-c', 'broker-d', 'proxy', 'proxy-2']);
    expect(brokerRoles({ brokers: 4, proxies: 1 })).toHaveLength(4);
    expect(proxyRoles({ brokers: 1, proxies: 2 })).toEqual(['proxy', 'proxy-2']);
  });
});

describe('server names', () => {
  it('names the brokers broker-a, broker-b, … in RocketMQ', () => {
    expect(brokerRoles({ brokers: 4, proxies: 1 }).map(brokerNameOf)).toEqual([
      'broker-a',
      'broker-b',
      'broker-c',
      'broker-d',
    ]);
  });

  it.each([
    ['namesrv', 'namesrv'],
    ['broker', 'broker'],
    ['broker-a', 'broker'],
    ['broker-b', 'broker-b'],
    ['broker-d', 'broker-d'],
    ['proxy', 'proxy'],
    ['proxy-2', 'proxy-2'],
  ])('reads %p on the command line as %p', (name, role) => {
    expect(parseServerName(name)).toBe(role);
  });

  it.each(['broker-e', 'proxy-1', 'proxy-3', 'mqadmin', '', 'Broker'])('does not know %p', (name) => {
    expect(parseServerName(name)).toBeUndefined();
  });

  it('tells the kind and position of each server', () => {
    expect(ALL_ROLES.map((role) => `${kindOf(role)}:${indexOf(role)}`)).toEqual([
      'namesrv:0',
      'broker:0',
      'broker:1',
      'broker:2',
      'broker:3',
      'proxy:0',
      'proxy:1',
    ]);
  });
});
