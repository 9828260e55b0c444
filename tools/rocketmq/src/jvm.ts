import { spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import path from 'node:path';
import type { ToolConfig } from './config';
import { toolPaths } from './config';

export type Role = 'namesrv' | 'broker' | 'proxy';

/** JVM flags every RocketMQ process gets. The role marker lets `stop` verify a pid before signalling it. */
export function commonJvmFlags(config: ToolConfig, role: string): string[] {
  return [
    // Mandatory for NamesrvStartup/BrokerStartup; also where the proxy looks for defaults.
    `-Drocketmq.home.dir=${config.dir}`,
    // RocketMQ's logback files write to ${user.home}/logs/rocketmqlogs; keep them in our folder.
    `-Duser.home=${config.dir}`,
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

export function serverSpecs(config: ToolConfig): Record<Role, ServerSpec> {
  const conf = toolPaths(config).generatedConf;
  return {
    namesrv: {
      role: 'namesrv',
      mainClass: 'org.apache.rocketmq.namesrv.NamesrvStartup',
      heap: ['-Xms64m', '-Xmx256m', '-XX:+UseSerialGC'],
      args: ['-c', path.join(conf, 'namesrv.properties')],
    },
    broker: {
      role: 'broker',
      mainClass: 'org.apache.rocketmq.broker.BrokerStartup',
      heap: ['-Xms256m', '-Xmx1g', '-XX:MaxDirectMemorySize=512m', '-XX:+UseG1GC'],
      args: ['-c', path.join(conf, 'broker.conf')],
    },
    proxy: {
      role: 'proxy',
      mainClass: 'org.apache.rocketmq.proxy.ProxyStartup',
      heap: ['-Xms128m', '-Xmx512m', '-XX:+UseG1GC'],
      args: ['-pm', 'cluster', '-pc', path.join(conf, 'rmq-proxy.json')],
    },
  };
}

export function classpath(config: ToolConfig, version: string): string {
  return `${toolPaths(config).libDir(version)}${path.sep}*`;
}

export function stdoutFile(config: ToolConfig, role: Role): string {
  return path.join(toolPaths(config).logs, `${role}.out`);
}

/** Starts one server JVM detached from this process (it outlives `npm start`'s shell). Returns its pid. */
export function spawnServer(config: ToolConfig, version: string, spec: ServerSpec): number {
  mkdirSync(toolPaths(config).logs, { recursive: true });
  const out = openSync(stdoutFile(config, spec.role), 'w');
  try {
    const child = spawn(
      'java',
      [
        ...spec.heap,
        ...commonJvmFlags(config, spec.role),
        // Each role's logback file ships in its own jar; without this every process would pick the proxy's.
        `-Drmq.logback.configurationFile=rmq.${spec.role}.logback.xml`,
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
