import { spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import path from 'node:path';
import type { JvmGc, ToolConfig } from './config';
import { serverPaths, toolPaths } from './config';
import { kindOf, type Role, type ServerKind } from './servers';

export type { Role } from './servers';

/**
 * JVM flags every RocketMQ process gets. The role marker lets `stop` verify a pid before signalling it.
 * `home` is the JVM's user.home, where RocketMQ writes its own logs.
 */
export function commonJvmFlags(config: ToolConfig, role: string, home: string = config.dir): string[] {
  return [
    // Mandatory for NamesrvStartup/BrokerStartup; also where the proxy looks for defaults.
    `-Drocketmq.home.dir=${config.dir}`,
    // RocketMQ's logback files write to ${user.home}/logs/rocketmqlogs; keep them in our folder.
    `-Duser.home=${home}`,
    `-Dlitesession.rocketmq.role=${role}`,
    `-Dlitesession.rocketmq.dir=${config.dir}`,
    '-XX:-OmitStackTraceInFastThrow',
    // Reflective access RocketMQ needs on JDK 17 (direct buffers, unsafe, netty).
    '--add-opens=java.base/java.lang=ALL-UNNAMED',
    '--add-opens=java.base/java.nio=ALL-UNNAMED',
    '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
    '--add-exports=java.base/sun.nio.ch=ALL-UNNAMED',
    '--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED',
  ];
}

export interface ServerSpec {
  role: Role;
  mainClass: string;
  heap: string[];
  args: string[];
}

const MAIN_CLASS: Record<ServerKind, string> = {
  namesrv: 'org.apache.rocketmq.namesrv.NamesrvStartup',
  broker: 'org.apache.rocketmq.broker.BrokerStartup',
  proxy: 'org.apache.rocketmq.proxy.ProxyStartup',
};

/** Small heaps for a 2-core development machine. */
const HEAP: Record<ServerKind, string[]> = {
  namesrv: ['-Xms64m', '-Xmx256m'],
  broker: ['-Xms256m', '-Xmx1g', '-XX:MaxDirectMemorySize=512m'],
  proxy: ['-Xms128m', '-Xmx512m'],
};

const GC_FLAG: Record<JvmGc, string> = {
  g1: '-XX:+UseG1GC',
  parallel: '-XX:+UseParallelGC',
  serial: '-XX:+UseSerialGC',
};

/** The NameServer does next to nothing: SerialGC always. The others take `config.gc`. */
function gcFlags(config: ToolConfig, kind: ServerKind): string[] {
  return [kind === 'namesrv' ? GC_FLAG.serial : GC_FLAG[config.gc]];
}

export function serverSpec(config: ToolConfig, role: Role): ServerSpec {
  const kind = kindOf(role);
  const conf = serverPaths(config, role).conf;
  return {
    role,
    mainClass: MAIN_CLASS[kind],
    heap: [...HEAP[kind], ...gcFlags(config, kind)],
    // The in-broker ("local") proxy does not serve LiteTopic in 5.5.0, hence cluster mode.
    args: kind === 'proxy' ? ['-pm', 'cluster', '-pc', conf] : ['-c', conf],
  };
}

export function classpath(config: ToolConfig, version: string): string {
  return `${toolPaths(config).libDir(version)}${path.sep}*`;
}

export function stdoutFile(config: ToolConfig, role: Role): string {
  return serverPaths(config, role).stdout;
}

/** Starts one server JVM detached from this process (it outlives `npm start`'s shell). Returns its pid. */
export function spawnServer(config: ToolConfig, version: string, spec: ServerSpec): number {
  const { stdout, home } = serverPaths(config, spec.role);
  mkdirSync(path.dirname(stdout), { recursive: true });
  mkdirSync(home, { recursive: true });
  const out = openSync(stdout, 'w');
  try {
    const child = spawn(
      'java',
      [
        ...spec.heap,
        ...commonJvmFlags(config, spec.role, home),
        // Each kind's logback file ships in its own jar; without this every process would pick the proxy's.
        `-Drmq.logback.configurationFile=rmq.${kindOf(spec.role)}.logback.xml`,
        '-cp',
        classpath(config, version),
        spec.mainClass,
        ...spec.args,
      ],
      { detached: true, stdio: ['ignore', out, out], cwd: config.dir },
    );
    if (child.pid === undefined) {
      throw new Error(`could not start the ${spec.role} JVM`);
    }
    child.unref();
    return child.pid;
  } finally {
    closeSync(out);
  }
}
