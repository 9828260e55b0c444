import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { ToolConfig } from './config';
import { toolPaths } from './config';
import type { Role } from './jvm';

const pidFile = (config: ToolConfig, role: Role) => path.join(toolPaths(config).run, `${role}.pid`);

export function writePid(config: ToolConfig, role: Role, pid: number): void {
  mkdirSync(toolPaths(config).run, { recursive: true });
  writeFileSync(pidFile(config, role), `${pid}\n`);
}

export function clearPid(config: ToolConfig, role: Role): void {
  rmSync(pidFile(config, role), { force: true });
}

/** The pid of our running `role` JVM, or undefined. A stale pid file (or a recycled pid) counts as not running. */
export function runningPid(config: ToolConfig, role: Role): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile(config, role), 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  const commandLine = commandLineOf(pid);
  const ours =
    commandLine?.includes(`-Dlitesession.rocketmq.role=${role}`) &&
    commandLine.includes(`-Dlitesession.rocketmq.dir=${config.dir}`);
  return ours ? pid : undefined;
}

function commandLineOf(pid: number): string | undefined {
  const proc = `/proc/${pid}/cmdline`;
  try {
    if (existsSync('/proc/self')) {
      return readFileSync(proc, 'utf8').split('\0').join(' ');
    }
    return execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' });
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM, then SIGKILL after `graceMs`. Only ever signals the pid recorded for our own JVM. */
export async function stopPid(pid: number, graceMs: number): Promise<'terminated' | 'killed'> {
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid) || isZombie(pid)) return 'terminated';
    await sleep(100);
  }
  process.kill(pid, 'SIGKILL');
  while (isAlive(pid) && !isZombie(pid)) await sleep(50);
  return 'killed';
}

function isZombie(pid: number): boolean {
  try {
    return /\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
