import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { provision } from './admin';
import { ensureArtifacts, readCurrentVersion } from './artifacts';
import { type ToolConfig, proxyEndpoint, toolPaths } from './config';
import { type Role, serverSpecs, spawnServer, stdoutFile } from './jvm';
import { elapsed, say } from './log';
import { canBind, isListening } from './net';
import { clearPid, isAlive, runningPid, sleep, stopPid, writePid } from './pids';
import { requireJava } from './prerequisites';
import { renderBrokerConf, renderNamesrvConf, renderProxyConf } from './server-config';

/** Start order; stop runs in reverse. The cluster-mode proxy needs a registered broker to start. */
export const ROLES: readonly Role[] = ['namesrv', 'broker', 'proxy'];
const READY_TIMEOUT_MS = 120_000;
/** The broker flushes its store on SIGTERM; the others hold no state worth waiting long for. */
const STOP_GRACE_MS: Record<Role, number> = { namesrv: 5_000, broker: 20_000, proxy: 5_000 };

export class ClusterError extends Error {
  override name = 'ClusterError';
}

export interface ClusterInfo {
  version: string;
  endpoint: string;
  /** Roles this call started (the others were already running). */
  started: Role[];
}

/** Ports a role listens on, named for error messages. */
function portsOf(config: ToolConfig, role: Role): Array<[number, string]> {
  const { ports } = config;
  switch (role) {
    case 'namesrv':
      return [[ports.namesrv, 'NameServer (ROCKETMQ_NAMESRV_PORT)']];
    case 'broker':
      return [
        [ports.broker, 'Broker (ROCKETMQ_BROKER_PORT)'],
        [ports.broker - 2, 'Broker fast-remoting port (ROCKETMQ_BROKER_PORT - 2)'],
        [ports.broker + 1, 'Broker HA port (ROCKETMQ_BROKER_PORT + 1)'],
      ];
    case 'proxy':
      return [
        [ports.proxyGrpc, 'Proxy gRPC (ROCKETMQ_PROXY_PORT)'],
        [ports.proxyRemoting, 'Proxy remoting (ROCKETMQ_PROXY_REMOTING_PORT)'],
      ];
  }
}

/** Starts whatever is not running yet, waits until each server is ready, then provisions topics and groups. */
export async function start(config: ToolConfig): Promise<ClusterInfo> {
  const java = await requireJava();
  const version = await ensureArtifacts(config);
  say(`RocketMQ ${version} on ${java}`);
  writeServerConfigs(config);
  const started: Role[] = [];
  for (const role of ROLES) {
    const pid = runningPid(config, role);
    if (pid !== undefined) {
      say(`${role} already running (pid ${pid})`);
      continue;
    }
    await requireFreePorts(config, role);
    const since = Date.now();
    const newPid = spawnServer(config, version, serverSpecs(config)[role]);
    writePid(config, role, newPid);
    started.push(role);
    await waitReady(config, role, newPid);
    say(`${role} ready (pid ${newPid}, ${elapsed(since)})`);
  }
  await provision(config, version);
  return { version, endpoint: proxyEndpoint(config), started };
}

/** Stops our servers by their recorded pids (never by name), newest first. */
export async function stop(config: ToolConfig, roles: readonly Role[] = ROLES): Promise<void> {
  for (const role of [...roles].reverse()) {
    const pid = runningPid(config, role);
    if (pid === undefined) {
      clearPid(config, role);
      continue;
    }
    const how = await stopPid(pid, STOP_GRACE_MS[role]);
    clearPid(config, role);
    say(`${role} stopped (pid ${pid}, ${how})`);
  }
}

export interface RoleStatus {
  role: Role;
  pid: number | undefined;
  listening: boolean;
}

export async function status(
  config: ToolConfig,
): Promise<{ version: string | undefined; roles: RoleStatus[] }> {
  const roles = await Promise.all(
    ROLES.map(async (role) => {
      const [port] = portsOf(config, role)[0] ?? [0];
      return { role, pid: runningPid(config, role), listening: await isListening(config.host, port) };
    }),
  );
  return { version: readCurrentVersion(config), roles };
}

/** Stops the cluster and wipes its store and logs; the downloaded artifacts stay cached. */
export async function reset(config: ToolConfig): Promise<void> {
  await stop(config);
  const paths = toolPaths(config);
  for (const dir of [
    paths.store,
    paths.logs,
    paths.generatedConf,
    paths.run,
    path.join(config.dir, 'namesrv'),
  ]) {
    rmSync(dir, { recursive: true, force: true });
  }
  say(`store and logs removed under ${config.dir}`);
}

/** True when all three servers are ours, alive and listening. */
export async function isRunning(config: ToolConfig): Promise<boolean> {
  const { roles } = await status(config);
  return roles.every((r) => r.pid !== undefined && r.listening);
}

function writeServerConfigs(config: ToolConfig): void {
  const dir = toolPaths(config).generatedConf;
  mkdirSync(dir, { recursive: true });
  mkdirSync(toolPaths(config).store, { recursive: true });
  writeFileSync(path.join(dir, 'namesrv.properties'), renderNamesrvConf(config));
  writeFileSync(path.join(dir, 'broker.conf'), renderBrokerConf(config));
  writeFileSync(path.join(dir, 'rmq-proxy.json'), renderProxyConf(config));
}

async function requireFreePorts(config: ToolConfig, role: Role): Promise<void> {
  for (const [port, name] of portsOf(config, role)) {
    if (!(await canBind(config.host, port))) {
      throw new ClusterError(
        `port ${port} for the ${name} is already in use by another process. ` +
          `Stop that process, or choose other ports with the ROCKETMQ_*_PORT variables (see tools/rocketmq/README.md).`,
      );
    }
  }
}

/** What "ready" means per role: the process printed its start-up line and accepts connections. */
const READY_LINE: Record<Role, RegExp | undefined> = {
  namesrv: /The Name Server boot success/,
  broker: /The broker\[.*\] boot success/,
  proxy: /rocketmq-proxy startup successfully/,
};

async function waitReady(config: ToolConfig, role: Role, pid: number): Promise<void> {
  const [port] = portsOf(config, role)[0] ?? [0];
  const deadline = Date.now() + READY_TIMEOUT_MS;
  const out = stdoutFile(config, role);
  while (Date.now() < deadline) {
    if (!isAlive(pid)) {
      clearPid(config, role);
      throw new ClusterError(`${role} exited during start-up. Its last output (${out}):\n${tail(out, 25)}`);
    }
    const line = READY_LINE[role];
    const printed = line === undefined || (existsSync(out) && line.test(readFileSync(out, 'utf8')));
    if (printed && (await isListening(config.host, port))) return;
    await sleep(200);
  }
  throw new ClusterError(
    `${role} (pid ${pid}) was not ready within ${READY_TIMEOUT_MS / 1000} s. Last output (${out}):\n${tail(out, 25)}\n` +
      `More in ${path.join(config.dir, 'logs', 'rocketmqlogs')}.`,
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
