import path from 'node:path';
import { DEFAULT_GATEWAY_GROUPS } from '@litesession/chat-protocol';
import { type BasePorts, portOverlaps, portsOf, proxyPorts } from './ports';
import {
  type BrokerRole,
  type ClusterShape,
  clusterRoles,
  indexOf,
  kindOf,
  MAX_BROKERS,
  MAX_PROXIES,
  proxyRoles,
  type Role,
} from './servers';

/** Where and how the local RocketMQ cluster runs. Everything is on loopback. */
export interface ToolConfig extends ClusterShape {
  /** Git-ignored working folder: artifacts, store, logs, pid files. Also the JVMs' `user.home`. */
  readonly dir: string;
  /** Folder of the tool's checked-in files (pom, base configs). */
  readonly confDir: string;
  readonly host: '127.0.0.1';
  /** The NameServer's ports and those of the first broker and proxy; the others' follow (ports.ts). */
  readonly ports: BasePorts;
  /** Brokers (1-4): broker-a, broker-b, …, every one a master of the cluster. */
  readonly brokers: number;
  /** Proxies (1-2); applications get all of them in `proxyEndpoint`. */
  readonly proxies: number;
  /** Pin a version (e.g. `5.5.0`) instead of asking Maven for the newest 5.5.x. */
  readonly pinnedVersion: string | undefined;
  /** Gateway lite groups provisioned, gateway-0 … gateway-{n-1}: one per gateway node running at once. */
  readonly gatewayGroups: number;
  /** Lite topics idle longer than this are deleted by the broker (minutes; -1 = never). */
  readonly liteTopicExpirationMinutes: number;
  /** The broker's and the proxy's garbage collector (the NameServer always runs SerialGC). */
  readonly gc: JvmGc;
  /** The proxy's `enableGrpcEpoll`: its gRPC server on Netty's native epoll transport. */
  readonly proxyGrpcEpoll: boolean;
  readonly clusterName: 'DefaultCluster';
}

export const JVM_GCS = ['g1', 'parallel', 'serial'] as const;
export type JvmGc = (typeof JVM_GCS)[number];

/** Upper bound on ROCKETMQ_GATEWAY_GROUPS: each one is an mqadmin call at provisioning. */
export const MAX_GATEWAY_GROUPS = 1024;

export const REPO_ROOT = path.resolve(__dirname, '../../..');

/** Reads the optional `ROCKETMQ_*` overrides; every problem is reported at once. */
export function loadToolConfig(env: NodeJS.ProcessEnv = process.env): ToolConfig {
  const problems: string[] = [];
  const port = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isInteger(value) || value < 1024 || value > 65534) {
      problems.push(`${name} must be a port number between 1024 and 65534 (got "${raw}")`);
    }
    return value;
  };
  const count = (name: string, max: number, fallback = 1): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!(value >= 1 && value <= max)) {
      problems.push(`${name} must be a whole number from 1 to ${max} (got "${raw}")`);
    }
    return value;
  };
  const brokers = count('ROCKETMQ_BROKERS', MAX_BROKERS);
  const proxies = count('ROCKETMQ_PROXIES', MAX_PROXIES);
  const gatewayGroups = count('ROCKETMQ_GATEWAY_GROUPS', MAX_GATEWAY_GROUPS, DEFAULT_GATEWAY_GROUPS);
  const ports = {
    namesrv: port('ROCKETMQ_NAMESRV_PORT', 9876),
    broker: port('ROCKETMQ_BROKER_PORT', 10911),
    proxyGrpc: port('ROCKETMQ_PROXY_PORT', 8081),
    proxyRemoting: port('ROCKETMQ_PROXY_REMOTING_PORT', 8080),
  };
  const expirationRaw = env['ROCKETMQ_LITE_TOPIC_EXPIRATION_MINUTES'] ?? '1440';
  const liteTopicExpirationMinutes = Number(expirationRaw);
  if (
    !Number.isInteger(liteTopicExpirationMinutes) ||
    (liteTopicExpirationMinutes !== -1 &&
      (liteTopicExpirationMinutes < 1 || liteTopicExpirationMinutes > 43200))
  ) {
    problems.push(
      `ROCKETMQ_LITE_TOPIC_EXPIRATION_MINUTES must be -1 (never) or 1..43200 (got "${expirationRaw}")`,
    );
  }
  const pinnedVersion = env['ROCKETMQ_VERSION'] || undefined;
  if (pinnedVersion !== undefined && !/^5\.5\.\d+$/.test(pinnedVersion)) {
    problems.push(`ROCKETMQ_VERSION must be a 5.5.x version such as 5.5.0 (got "${pinnedVersion}")`);
  }
  const gc = (env['ROCKETMQ_GC'] || 'g1') as JvmGc;
  if (!JVM_GCS.includes(gc)) {
    problems.push(`ROCKETMQ_GC must be one of ${JVM_GCS.join(', ')} (got "${env['ROCKETMQ_GC']}")`);
  }
  const epollRaw = env['ROCKETMQ_PROXY_GRPC_EPOLL'] || 'false';
  if (epollRaw !== 'true' && epollRaw !== 'false') {
    problems.push(`ROCKETMQ_PROXY_GRPC_EPOLL must be true or false (got "${epollRaw}")`);
  }
  if (problems.length === 0) {
    // The other brokers and the second proxy sit above the configured ports; each broker also listens on
    // its port-2 and port+1.
    const roles = clusterRoles({ brokers, proxies });
    for (const { port, use } of roles.flatMap((role) => portsOf(ports, role))) {
      if (port > 65535) problems.push(`the ${use} would be port ${port}, above 65535`);
    }
    const overlaps = portOverlaps(ports, roles);
    if (overlaps.length > 0) problems.push(`ports overlap: ${overlaps.join('; ')}`);
  }
  if (problems.length > 0) {
    throw new ToolConfigError(problems);
  }
  return {
    dir: path.resolve(env['ROCKETMQ_DIR'] || path.join(REPO_ROOT, '.rocketmq')),
    confDir: path.join(REPO_ROOT, 'tools/rocketmq/conf'),
    host: '127.0.0.1',
    ports,
    brokers,
    proxies,
    pinnedVersion,
    gatewayGroups,
    liteTopicExpirationMinutes,
    gc,
    proxyGrpcEpoll: epollRaw === 'true',
    clusterName: 'DefaultCluster',
  };
}

export class ToolConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid tools/rocketmq settings:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ToolConfigError';
  }
}

/**
 * The gRPC endpoint that applications use: `host:port`, or `host:port;host:port` with two proxies.
 * rocketmq-client-nodejs 1.0.8 cannot use the second form: it hands grpc-js "a,b" as one DNS name
 * ("Name resolution failed for target dns:127.0.0.1:8081,127.0.0.1:8181"). Give each process one of
 * `proxyEndpoints` instead.
 */
export function proxyEndpoint(config: ToolConfig): string {
  return proxyEndpoints(config).join(';');
}

/** Each proxy's gRPC endpoint (`host:port`), the first proxy's first. */
export function proxyEndpoints(config: ToolConfig): string[] {
  return proxyRoles(config).map((role) => `${config.host}:${proxyPorts(config.ports, role).grpc}`);
}

export function namesrvAddress(config: ToolConfig): string {
  return `${config.host}:${config.ports.namesrv}`;
}

export const toolPaths = (config: ToolConfig) => ({
  dist: path.join(config.dir, 'dist'),
  currentVersionFile: path.join(config.dir, 'dist', 'current'),
  libDir: (version: string) => path.join(config.dir, 'dist', version, 'lib'),
  completeMarker: (version: string) => path.join(config.dir, 'dist', version, 'COMPLETE'),
  store: path.join(config.dir, 'store'),
  generatedConf: path.join(config.dir, 'conf'),
  run: path.join(config.dir, 'run'),
  logs: path.join(config.dir, 'logs'),
  provisionedMarker: path.join(config.dir, 'store', 'litesession-provisioned.json'),
});

/**
 * One server's files. The first server of each kind keeps the names a one-broker cluster always had; the
 * others get their own JVM home, because RocketMQ writes its logs to `<user.home>/logs/rocketmqlogs` and two
 * brokers must not write the same broker.log.
 */
export function serverPaths(config: ToolConfig, role: Role) {
  const paths = toolPaths(config);
  const confName = { namesrv: 'namesrv.properties', broker: `${role}.conf`, proxy: `rmq-${role}.json` }[
    kindOf(role)
  ];
  return {
    pid: path.join(paths.run, `${role}.pid`),
    stdout: path.join(paths.logs, `${role}.out`),
    conf: path.join(paths.generatedConf, confName),
    home: indexOf(role) === 0 ? config.dir : path.join(config.dir, 'home', role),
  };
}

/** A broker's store, and the marker of what was provisioned into it. */
export function brokerStorePaths(config: ToolConfig, role: BrokerRole) {
  const store = role === 'broker' ? toolPaths(config).store : path.join(config.dir, `store-${role}`);
  return { store, provisionedMarker: path.join(store, 'litesession-provisioned.json') };
}
