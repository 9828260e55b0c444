import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { ToolConfig } from './config';
import { serverPaths } from './config';
import type { Role } from './servers';

export function writePid(config: ToolConfig, role: Role, pid: number): void {
  const file = serverPaths(config, role).pid;
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${pid}\n`);
}

export function clearPid(config: ToolConfig, role: Role): void {
  rmSync(serverPaths(config, role).pid, { force: true });
}

/** The pid of our running `role` JVM, or undefined. A stale pid file (or a recycled pid) counts as not running. */
export function runningPid(config: ToolConfig, role: Role): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(serverPaths(config, role).pid, 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  const commandLine = commandLineOf(pid);
  return commandLine !== undefined && isOurServer(commandLine, config, role) ? pid : undefined;
}

/**
 * True when a command line (arguments separated by spaces) carries this folder's marker for `role`
 * (commonJvmFlags). Whole arguments are compared: `role=broker` must not match another broker's `role=broker-b`.
 */
export function isOurServer(commandLine: string, config: Pick<ToolConfig, 'dir'>, role: Role): boolean {
  const padded = ` ${commandLine.trim()} `;
  return (
    padded.includes(` -Dlitesession.rocketmq.role=${role} `) &&
    padded.includes(` -Dlitesession.rocketmq.dir=${config.dir} `)
  );
}

function commandLineOf(pid: number): string | undefined {
  try {
    if (existsSync('/proc/self')) {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
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
    if (isGone(pid)) return 'terminated';
    await sleep(100);
  }
  await killPid(pid);
  return 'killed';
}

/** SIGKILL, and wait until the process is gone (or a zombie its parent has yet to reap). */
export async function killPid(pid: number): Promise<void> {
  process.kill(pid, 'SIGKILL');
  while (!isGone(pid)) await sleep(50);
}

function isGone(pid: number): boolean {
  return !isAlive(pid) || isZombie(pid);
}

function isZombie(pid: number): boolean {
  try {
    return /\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
