// A private redis-server for one run of the Redis path: its own port and data folder, persistence off
// (docs performance.md §9.2, the latency test), stopped by its own pid.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { freePort } from '@litesession/stack-tools';
import { canInstallDebianPackages, findOnPath, installDebianPackage } from '@litesession/test-runner-tools';
import { stopOnInterrupt } from './cleanup';

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 10_000;
const PING_EVERY_MS = 100;
const STOP_GRACE_MS = 5_000;
const TAIL_LINES = 20;

const say = (message: string) => console.log(`[bench] ${message}`);
// Unref'd: a pending grace timer must not keep the bench (or Jest) alive once the server has exited.
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export interface RedisServerProcess {
  /** `redis://127.0.0.1:port`. */
  url: string;
  pid: number;
  /** E.g. `7.0.15`. */
  version: string;
  /** SIGTERM to its pid, SIGKILL after 5 s; removes its data folder. */
  stop(): Promise<void>;
}

/** The redis-server to run: REDIS_SERVER_PATH, else `redis-server` on PATH; undefined when there is none. */
export function findRedisServer(): string | undefined {
  const fromEnv = process.env['REDIS_SERVER_PATH'];
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  return findOnPath('redis-server');
}

/** `redis-server --version`, e.g. `7.0.15`. */
export async function redisServerVersion(binary: string): Promise<string> {
  const { stdout } = await promisify(execFile)(binary, ['--version']);
  return /v=(\S+)/.exec(stdout)?.[1] ?? stdout.trim();
}

/** The redis-server to run, installed with apt-get first when it is missing and this runs as root. */
export async function ensureRedisServer(): Promise<string> {
  const found = findRedisServer();
  if (found) return found;
  if (process.env['REDIS_SERVER_PATH']) {
    throw new Error(`REDIS_SERVER_PATH=${process.env['REDIS_SERVER_PATH']} does not exist`);
  }
  if (!canInstallDebianPackages()) {
    throw new Error(
      'redis-server is not installed and cannot be installed from here (needs root and apt-get). Install it ' +
        'with `sudo apt-get install -y redis-server`, or set REDIS_SERVER_PATH.',
    );
  }
  const log = path.join(os.tmpdir(), 'litesession-bench-redis-install.log');
  say(`redis-server is not installed; installing it: apt-get install -y redis-server (output in ${log})`);
  const code = await installDebianPackage('redis-server', log, say);
  const installed = findRedisServer();
  if (code !== 0 || !installed) {
    throw new Error(`could not install redis-server (apt-get exited with ${code}, see ${log})`);
  }
  say(`redis-server installed: ${installed}`);
  return installed;
}

/** Starts a redis-server on a free loopback port and waits until it answers PING. */
export async function startRedisServer(): Promise<RedisServerProcess> {
  const binary = await ensureRedisServer();
  const version = await redisServerVersion(binary);
  const port = await freePort(HOST);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'litesession-bench-redis-'));
  const args = ['--bind', HOST, '--port', String(port), '--save', '', '--appendonly', 'no'];
  // Its own process group, like the bench's node processes: a terminal's Ctrl-C reaches the bench, which
  // stops everything in order.
  const child = spawn(binary, [...args, '--daemonize', 'no', '--dir', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const tail: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
    });
  }
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (error) => {
      tail.push(`(could not start: ${error.message})`);
      resolve();
    });
  });
  const forget = stopOnInterrupt(() => stop());
  const stop = async () => {
    forget();
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      child.kill('SIGTERM');
      const timer = sleep(STOP_GRACE_MS).then(() => 'timeout' as const);
      if ((await Promise.race([exited, timer])) === 'timeout') {
        child.kill('SIGKILL');
        await exited;
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPing(port, exited);
  } catch (error) {
    await stop();
    const lines = tail.length > 0 ? tail.map((line) => `    ${line}`).join('\n') : '    (no output)';
    throw new Error(`${(error as Error).message}. Its last lines:\n${lines}`);
  }
  // It answered PING, so it was spawned and has a pid.
  return { url: `redis://${HOST}:${port}`, pid: child.pid as number, version, stop };
}

/** Resolves once the server answers PING; fails if it exits first or does not answer in time. */
async function waitForPing(port: number, exited: Promise<void>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!gone) {
    if (await answersPing(port)) return;
    if (Date.now() > deadline)
      throw new Error(`redis-server did not answer PING within ${READY_TIMEOUT_MS} ms`);
    await Promise.race([sleep(PING_EVERY_MS), exited]);
  }
  throw new Error('redis-server exited during start-up');
}

/** One PING over a raw socket: no client library, so no reconnect loop to tear down. */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: HOST, port });
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => finish(data.toString().startsWith('+PONG')));
  });
}
