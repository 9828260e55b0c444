import path from 'node:path';
import { NodeProcess, ROOT } from '@litesession/stack-tools';
import { stopOnInterrupt } from './cleanup';

export const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 90_000;

export interface NodeEntry {
  name: string;
  /** A TypeScript entry file, relative to the workspace root (compiled on load by swc-node). */
  entry: string;
  /** Its tsconfig, relative to the workspace root. */
  tsconfig: string;
  port: number;
  env: Record<string, string>;
  /** SIGTERM → SIGKILL. */
  stopGraceMs?: number;
}

/**
 * Starts a node process the way the stack runs the apps (from sources) and waits until `/health/ready`
 * answers. Its output is kept for error messages only: the bench prints its own progress. With
 * BENCH_NODE_LOGS set to a folder, each node's output is also appended to `<folder>/<name>.log`.
 */
export async function spawnNode(entry: NodeEntry): Promise<NodeProcess> {
  const child = NodeProcess.spawn({
    name: entry.name,
    args: ['-r', '@swc-node/register', entry.entry],
    cwd: ROOT,
    env: {
      ...process.env,
      SWC_NODE_PROJECT: path.join(ROOT, entry.tsconfig),
      HOST,
      PORT: String(entry.port),
      ...entry.env,
    },
    readyUrl: `http://${HOST}:${entry.port}/health/ready`,
    stopGraceMs: entry.stopGraceMs ?? 10_000,
    relayOutput: false,
    ...(process.env['BENCH_NODE_LOGS']
      ? { logFile: path.join(path.resolve(ROOT, process.env['BENCH_NODE_LOGS']), `${entry.name}.log`) }
      : {}),
  });
  const forget = stopOnInterrupt(() => child.kill());
  void child.exited.then(forget);
  try {
    await child.waitReady(READY_TIMEOUT_MS);
  } catch (error) {
    child.kill();
    throw error;
  }
  return child;
}

/** The pid of a started process (spawn gives one, or waitReady would have failed). */
export function pidOf(child: NodeProcess): number {
  if (child.pid === undefined) throw new Error(`${child.name} has no pid`);
  return child.pid;
}

/** SIGKILL and wait for the exit. */
export async function killNode(child: NodeProcess): Promise<void> {
  child.kill();
  await child.exited;
}
