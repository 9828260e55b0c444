import path from 'node:path';

/** Where and how the local RocketMQ cluster runs. Everything is on loopback. */
export interface ToolConfig {
  /** Git-ignored working folder: artifacts, store, logs, pid files. Also the JVMs' `user.home`. */
  readonly dir: string;
  /** Folder of the tool's checked-in files (pom, base configs). */
  readonly confDir: string;
  readonly host: '127.0.0.1';
  readonly ports: Readonly<{ namesrv: number; broker: number; proxyGrpc: number; proxyRemoting: number }>;
  /** Pin a version (e.g. `5.5.0`) instead of asking Maven for the newest 5.5.x. */
  readonly pinnedVersion: string | undefined;
  /** Lite topics idle longer than this are deleted by the broker (minutes; -1 = never). */
  readonly liteTopicExpirationMinutes: number;
  readonly clusterName: 'DefaultCluster';
  readonly brokerName: 'broker-a';
}

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
  // The broker also listens on port-2 (fast remoting) and port+1 (HA).
  const taken = [
    ports.namesrv,
    ports.broker - 2,
    ports.broker,
    ports.broker + 1,
    ports.proxyGrpc,
    ports.proxyRemoting,
  ];
  if (problems.length === 0 && new Set(taken).size !== taken.length) {
    problems.push(`ports overlap: ${taken.join(', ')} (the broker also uses its port-2 and port+1)`);
  }
  if (problems.length > 0) {
    throw new ToolConfigError(problems);
  }
  return {
    dir: path.resolve(env['ROCKETMQ_DIR'] || path.join(REPO_ROOT, '.rocketmq')),
    confDir: path.join(REPO_ROOT, 'tools/rocketmq/conf'),
    host: '127.0.0.1',
    ports,
    pinnedVersion,
    liteTopicExpirationMinutes,
    clusterName: 'DefaultCluster',
    brokerName: 'broker-a',
  };
}

export class ToolConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid tools/rocketmq settings:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ToolConfigError';
  }
}

/** The gRPC endpoint that applications use (`host:port`). */
export function proxyEndpoint(config: ToolConfig): string {
  return `${config.host}:${config.ports.proxyGrpc}`;
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
