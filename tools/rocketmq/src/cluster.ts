import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { mqadmin, provision, registeredBrokers } from './admin';
import { ensureArtifacts, readCurrentVersion } from './artifacts';
import {
  brokerStorePaths,
  namesrvAddress,
  proxyEndpoint,
  serverPaths,
  type ToolConfig,
  toolPaths,
} from './config';
import { serverSpec, spawnServer, stdoutFile } from './jvm';
import { elapsed, say } from './log';
import { canBind, isListening } from './net';
import { clearPid, isAlive, killPid, runningPid, sleep, stopPid, writePid } from './pids';
import { brokerListenPort, portsOf } from './ports';
import { requireJava } from './prerequisites';
import { renderBrokerConf, renderNamesrvConf, renderProxyConf } from './server-config';
import {
  ALL_ROLES,
  brokerNameOf,
  brokerRoles,
  clusterRoles,
  isBrokerRole,
  isProxyRole,
  kindOf,
  parseServerName,
  proxyRoles,
  type BrokerRole,
  type Role,
  type ServerKind,
  type ServerName,
} from './servers';

/** The servers of a default cluster (one broker, one proxy) in start order; see `clusterRoles` for others. */
export const ROLES: readonly Role[] = clusterRoles({ brokers: 1, proxies: 1 });
const READY_TIMEOUT_MS = 120_000;
/** Running brokers re-register with a restarted NameServer at their next heartbeat, every 30 s. */
const REGISTER_TIMEOUT_MS = 90_000;
/** PermName.PERM_READ | PERM_WRITE: a broker's default permission. */
const READ_WRITE_PERMISSION = 6;
/** The broker flushes its store on SIGTERM; the others hold no state worth waiting long for. */
const STOP_GRACE_MS: Record<ServerKind, number> = { namesrv: 5_000, broker: 20_000, proxy: 5_000 };

export class ClusterError extends Error {
  override name = 'ClusterError';
}

export interface ClusterInfo {
  version: string;
  endpoint: string;
  /** Servers this call started (the others were already running). */
  started: Role[];
}

/**
 * Starts whichever of the cluster's servers are not running (all of them, or only a killed broker while
 * the NameServer and proxy keep running), waits until each is ready, then provisions topics and groups
 * unless every broker's store already holds them.
 */
export async function start(config: ToolConfig): Promise<ClusterInfo> {
  const java = await requireJava();
  const version = await ensureArtifacts(config);
  say(`RocketMQ ${version} on ${java}`);
  writeServerConfigs(config);
  const started: Role[] = [];
  const startIfStopped = async (role: Role) => {
    if (await startServer(config, version, role)) started.push(role);
  };
  try {
    const brokersRunningBefore = brokerRoles(config).some((role) => runningPid(config, role) !== undefined);
    for (const role of ['namesrv', ...brokerRoles(config)] as const) await startIfStopped(role);
    if (!started.includes('namesrv')) {
      for (const role of brokerRoles(config).filter((r) => started.includes(r))) {
        await registerNow(config, version, role);
      }
    }
    // A proxy starting before the NameServer lists every broker fails to create its system topics
    // ("create system broadcast topic DefaultHeartBeatSyncerTopic failed", seen on a fresh clone), and a
    // NameServer restarted under running brokers knows none until they re-register.
    const proxyToStart = proxyRoles(config).some((role) => runningPid(config, role) === undefined);
    if (started.length > 0 && (proxyToStart || brokersRunningBefore)) {
      await waitUntilBrokersRegistered(config, version);
    }
    for (const role of proxyRoles(config)) await startIfStopped(role);
    const others = ALL_ROLES.filter(
      (role) => !clusterRoles(config).includes(role) && runningPid(config, role) !== undefined,
    );
    if (others.length > 0) {
      say(`also running, though not in these settings: ${others.join(', ')} ("stop" stops them too)`);
    }
    await provision(config, version);
  } catch (error) {
    // Whoever called start() learns nothing of what it started when it throws: stop those servers here
    // (a failed provisioning on a busy machine once left three JVMs running after the test run).
    if (started.length > 0) await stop(config, started).catch(() => undefined);
    throw error;
  }
  return { version, endpoint: proxyEndpoint(config), started };
}

/** Starts one server unless it runs, and waits until it is ready. True when it was started. */
async function startServer(config: ToolConfig, version: string, role: Role): Promise<boolean> {
  const pid = runningPid(config, role);
  if (pid !== undefined) {
    say(`${role} already running (pid ${pid})`);
    return false;
  }
  await requireFreePorts(config, role);
  const since = Date.now();
  const newPid = spawnServer(config, version, serverSpec(config, role));
  writePid(config, role, newPid);
  await waitReady(config, role, newPid);
  say(`${role} ready (pid ${newPid}, ${elapsed(since)})`);
  return true;
}

/** Stops our servers by their recorded pids (never by name), newest first; by default every one there is. */
export async function stop(config: ToolConfig, roles: readonly Role[] = ALL_ROLES): Promise<void> {
  for (const role of [...roles].reverse()) {
    const pid = runningPid(config, role);
    if (pid === undefined) {
      clearPid(config, role);
      continue;
    }
    const how = await stopPid(pid, STOP_GRACE_MS[kindOf(role)]);
    clearPid(config, role);
    say(`${role} stopped (pid ${pid}, ${how})`);
  }
}

/**
 * Kills one server with SIGKILL, by its recorded pid (never by name), and waits until it is gone: a crash,
 * for chaos drills. Its store is left as the crash left it; `start` brings it back. Returns the pid.
 */
export async function killServer(config: ToolConfig, server: ServerName): Promise<number> {
  const role = parseServerName(server);
  if (role === undefined) {
    throw new ClusterError(`unknown server "${server}"; one of: ${[...ALL_ROLES, 'broker-a'].join(', ')}`);
  }
  const pid = runningPid(config, role);
  if (pid === undefined) {
    throw new ClusterError(
      `${role} is not running (no live pid of ours in ${serverPaths(config, role).pid})`,
    );
  }
  await killPid(pid);
  clearPid(config, role);
  say(`${role} killed (pid ${pid}, SIGKILL)`);
  return pid;
}

export interface RoleStatus {
  role: Role;
  pid: number | undefined;
  listening: boolean;
}

/** The configured servers, and any other server of this folder that runs (e.g. a broker-b of an earlier start). */
export async function status(
  config: ToolConfig,
): Promise<{ version: string | undefined; roles: RoleStatus[] }> {
  const configured = clusterRoles(config);
  const shown = ALL_ROLES.filter(
    (role) => configured.includes(role) || runningPid(config, role) !== undefined,
  );
  const roles = await Promise.all(
    shown.map(async (role) => {
      const [ready] = portsOf(config.ports, role);
      const listening = ready !== undefined && (await isListening(config.host, ready.port));
      return { role, pid: runningPid(config, role), listening };
    }),
  );
  return { version: readCurrentVersion(config), roles };
}

/** Stops the cluster and wipes its store and logs; the downloaded artifacts stay cached. */
export async function reset(config: ToolConfig): Promise<void> {
  await stop(config);
  const paths = toolPaths(config);
  for (const dir of [
    ...ALL_ROLES.filter(isBrokerRole).map((role) => brokerStorePaths(config, role).store),
    paths.logs,
    paths.generatedConf,
    paths.run,
    path.join(config.dir, 'namesrv'),
    path.join(config.dir, 'home'),
  ]) {
    rmSync(dir, { recursive: true, force: true });
  }
  say(`store and logs removed under ${config.dir}`);
}

/** True when all the configured servers are ours, alive and listening. */
export async function isRunning(config: ToolConfig): Promise<boolean> {
  const { roles } = await status(config);
  const configured = clusterRoles(config);
  return roles.filter((r) => configured.includes(r.role)).every((r) => r.pid !== undefined && r.listening);
}

function writeServerConfigs(config: ToolConfig): void {
  mkdirSync(toolPaths(config).generatedConf, { recursive: true });
  for (const role of clusterRoles(config)) {
    const file = serverPaths(config, role).conf;
    if (isBrokerRole(role)) {
      mkdirSync(brokerStorePaths(config, role).store, { recursive: true });
      writeFileSync(file, renderBrokerConf(config, role));
    } else if (isProxyRole(role)) {
      writeFileSync(file, renderProxyConf(config, role));
    } else {
      writeFileSync(file, renderNamesrvConf(config));
    }
  }
}

async function requireFreePorts(config: ToolConfig, role: Role): Promise<void> {
  for (const { port, use } of portsOf(config.ports, role)) {
    if (!(await canBind(config.host, port))) {
      throw new ClusterError(
        `port ${port} for the ${use} is already in use by another process. ` +
          `Stop that process, or choose other ports with the ROCKETMQ_*_PORT variables (see tools/rocketmq/README.md).`,
      );
    }
  }
}

/** What "ready" means per kind: the process printed its start-up line and accepts connections. */
const READY_LINE: Record<ServerKind, RegExp> = {
  namesrv: /The Name Server boot success/,
  broker: /The broker\[.*\] boot success/,
  proxy: /rocketmq-proxy startup successfully/,
};

async function waitReady(config: ToolConfig, role: Role, pid: number): Promise<void> {
  const [ready] = portsOf(config.ports, role);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  const out = stdoutFile(config, role);
  while (Date.now() < deadline) {
    if (!isAlive(pid)) {
      clearPid(config, role);
      throw new ClusterError(`${role} exited during start-up. Its last output (${out}):\n${tail(out, 25)}`);
    }
    const printed = existsSync(out) && READY_LINE[kindOf(role)].test(readFileSync(out, 'utf8'));
    if (printed && ready !== undefined && (await isListening(config.host, ready.port))) return;
    await sleep(200);
  }
  throw new ClusterError(
    `${role} (pid ${pid}) was not ready within ${READY_TIMEOUT_MS / 1000} s. Last output (${out}):\n${tail(out, 25)}\n` +
      `More in ${path.join(serverPaths(config, role).home, 'logs', 'rocketmqlogs')}.`,
  );
}

/**
 * Waits until the NameServer lists every broker of the cluster. Needed when the NameServer alone was
 * restarted: running brokers register again only with their next heartbeat, and a proxy needs the routes.
 */
/**
 * A broker restarted under a running NameServer does not always register at start-up on 5.5.0: in the
 * chaos drill, 3 of 5 restarts registered only at the first periodic registration, 10 s after "boot
 * success", and until then the proxy answered "group not found" and "TopicMessageType validate failed"
 * for new work. Updating `brokerPermission` (to its value, read-write) makes the broker register at once
 * (`AdminBrokerProcessor.updateBrokerConfig`). A failure only costs the wait for the periodic one.
 */
async function registerNow(config: ToolConfig, version: string, role: BrokerRole): Promise<void> {
  const since = Date.now();
  const broker = `${config.host}:${brokerListenPort(config.ports, role)}`;
  try {
    await mqadmin(config, version, [
      'updateBrokerConfig',
      '-b',
      broker,
      '-k',
      'brokerPermission',
      '-v',
      String(READ_WRITE_PERMISSION),
    ]);
    say(`${role} registered with the NameServer (${elapsed(since)})`);
  } catch (error) {
    say(
      `${role}: registering at once failed; it registers within 10 s by itself (${(error as Error).message})`,
    );
  }
}

async function waitUntilBrokersRegistered(config: ToolConfig, version: string): Promise<void> {
  const since = Date.now();
  const wanted = brokerRoles(config).map(brokerNameOf);
  let registered = new Set<string>();
  while (Date.now() - since < REGISTER_TIMEOUT_MS) {
    const output = await mqadmin(config, version, ['clusterList', '-n', namesrvAddress(config)]).catch(
      () => '',
    );
    registered = registeredBrokers(output, config.clusterName);
    if (wanted.every((name) => registered.has(name))) {
      say(`brokers registered with the NameServer (${elapsed(since)})`);
      return;
    }
    await sleep(2_000);
  }
  const missing = wanted.filter((name) => !registered.has(name));
  throw new ClusterError(
    `the NameServer did not list ${missing.join(', ')} within ${REGISTER_TIMEOUT_MS / 1000} s (mqadmin clusterList)`,
  );
}

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => !l.includes('|-INFO') && !l.includes('|-WARN'))
      .slice(-lines)
      .join('\n');
  } catch {
    return '(no output)';
  }
}
