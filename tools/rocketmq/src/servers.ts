/**
 * The servers a local cluster is made of, by id: one NameServer, 1-4 brokers, 1-2 proxies.
 *
 * A server's id names its files (`run/<id>.pid`, `logs/<id>.out`) and is what callers see
 * (`ClusterInfo.started`, `status()`). The first broker keeps the id `broker` and the first proxy `proxy`,
 * the ids they had when the cluster had one of each, so that a default cluster (and a folder started by an
 * earlier version of this tool) looks exactly as before. In RocketMQ itself the brokers are named broker-a,
 * broker-b, … (`brokerNameOf`), and the command line accepts `broker-a` for the first one.
 */

export const MAX_BROKERS = 4;
export const MAX_PROXIES = 2;

const BROKERS = ['broker', 'broker-b', 'broker-c', 'broker-d'] as const;
const PROXIES = ['proxy', 'proxy-2'] as const;

export type BrokerRole = (typeof BROKERS)[number];
export type ProxyRole = (typeof PROXIES)[number];
/** One server of the local cluster (see the file comment for the names). */
export type Role = 'namesrv' | BrokerRole | ProxyRole;
export type ServerKind = 'namesrv' | 'broker' | 'proxy';
/** What the command line and `killServer` accept: a server id, or the first broker's RocketMQ name. */
export type ServerName = Role | 'broker-a';

/** How many brokers and proxies a cluster has. */
export interface ClusterShape {
  readonly brokers: number;
  readonly proxies: number;
}

export function brokerRoles(shape: ClusterShape): BrokerRole[] {
  return BROKERS.slice(0, shape.brokers);
}

export function proxyRoles(shape: ClusterShape): ProxyRole[] {
  return PROXIES.slice(0, shape.proxies);
}

/** The cluster's servers in start order; stop runs in reverse. A cluster-mode proxy needs a registered broker. */
export function clusterRoles(shape: ClusterShape): Role[] {
  return ['namesrv', ...brokerRoles(shape), ...proxyRoles(shape)];
}

/**
 * Every server a working folder can hold, whatever the current settings say: `stop` and `status` look for
 * all of them, so that a broker-b started with `--brokers 2` is not forgotten by a plain `stop`.
 */
export const ALL_ROLES: readonly Role[] = clusterRoles({ brokers: MAX_BROKERS, proxies: MAX_PROXIES });

export function isBrokerRole(role: Role): role is BrokerRole {
  return (BROKERS as readonly string[]).includes(role);
}

export function isProxyRole(role: Role): role is ProxyRole {
  return (PROXIES as readonly string[]).includes(role);
}

export function kindOf(role: Role): ServerKind {
  if (isBrokerRole(role)) return 'broker';
  if (isProxyRole(role)) return 'proxy';
  return 'namesrv';
}

/** 0 for the NameServer and the first broker or proxy, 1 for the second, and so on. */
export function indexOf(role: Role): number {
  if (isBrokerRole(role)) return BROKERS.indexOf(role);
  if (isProxyRole(role)) return PROXIES.indexOf(role);
  return 0;
}

/** RocketMQ's `brokerName`: broker-a, broker-b, … */
export function brokerNameOf(role: BrokerRole): string {
  return `broker-${'abcd'.charAt(BROKERS.indexOf(role))}`;
}

/** The server a name on the command line means, or undefined. */
export function parseServerName(name: string): Role | undefined {
  if (name === 'broker-a') return 'broker';
  return (ALL_ROLES as readonly string[]).includes(name) ? (name as Role) : undefined;
}
