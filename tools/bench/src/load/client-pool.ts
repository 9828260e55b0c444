import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import { build, decodeFromCompressedBase64 } from 'hdr-histogram-js';
import { ROOT } from '@litesession/stack-tools';
import type { LatencySummary } from '../results';
import type { ClosedResult, OpenResult, WorkerAnswer, WorkerCommand, WorkerReport } from './worker-messages';

/** All workers' reports merged: counts summed, per-session times concatenated, latency as a summary. */
export interface PoolReport extends Omit<WorkerReport, 'type' | 'latencyHistogram'> {
  latency: LatencySummary;
}

export interface OpenOptions {
  /** Send one `chat.send` once the session is open (the reply then streams). */
  startTurn: boolean;
  /** Handshakes in flight per worker. */
  concurrency: number;
  /** Names the sessions' messages, for logs. */
  idPrefix: string;
  /** The handshake's `token`, when the path's gateways check one (RunningPath.credential). */
  credential?: string | undefined;
}

const ANSWER_TIMEOUT_MS = 600_000;

/**
 * The benchmark's clients: `size` worker processes (load/client-worker.ts) that share the sessions, so
 * the clients' CPU is not the bench's own and several cores can run them.
 */
export class ClientPool {
  private constructor(private readonly workers: Worker[]) {}

  static async start(size: number): Promise<ClientPool> {
    const entry = path.join(__dirname, 'client-worker.ts');
    const workers = Array.from({ length: size }, (_, i) => new Worker(i, entry));
    return new ClientPool(workers);
  }

  /** Opens `count` sessions, spread evenly over the workers. */
  async open(count: number, urls: string[], options: OpenOptions): Promise<Omit<OpenResult, 'type'>> {
    const shares = this.split(count);
    const answers = await Promise.all(
      this.workers.map((worker, i) =>
        worker.ask<OpenResult>({
          type: 'open',
          count: shares[i] as number,
          urls,
          ...(options.credential === undefined ? {} : { credential: options.credential }),
          startTurn: options.startTurn,
          concurrency: options.concurrency,
          idPrefix: `${options.idPrefix}-w${i}`,
        }),
      ),
    );
    return {
      opened: sum(answers.map((a) => a.opened)),
      failed: sum(answers.map((a) => a.failed)),
      errors: answers.flatMap((a) => a.errors).slice(0, 5),
      elapsedMs: Math.max(...answers.map((a) => a.elapsedMs)),
    };
  }

  /** From now on measure token events written in [fromMs, toMs). */
  setWindow(fromMs: number, toMs: number): void {
    for (const worker of this.workers) worker.tell({ type: 'window', fromMs, toMs });
  }

  async report(): Promise<PoolReport> {
    const reports = await Promise.all(
      this.workers.map((worker) => worker.ask<WorkerReport>({ type: 'report' })),
    );
    const merged = build({
      lowestDiscernibleValue: 1,
      highestTrackableValue: 120_000_000,
      numberOfSignificantValueDigits: 3,
    });
    for (const report of reports) merged.add(decodeFromCompressedBase64(report.latencyHistogram));
    const ms = (micros: number) => micros / 1000;
    return {
      sessions: sum(reports.map((r) => r.sessions)),
      latency: {
        count: merged.totalCount,
        mean: merged.totalCount > 0 ? ms(merged.mean) : 0,
        p50: ms(merged.getValueAtPercentile(50)),
        p90: ms(merged.getValueAtPercentile(90)),
        p99: ms(merged.getValueAtPercentile(99)),
        max: ms(merged.maxValue),
      },
      deliveredEvents: sum(reports.map((r) => r.deliveredEvents)),
      deliveredTokens: sum(reports.map((r) => r.deliveredTokens)),
      lost: sum(reports.map((r) => r.lost)),
      duplicated: sum(reports.map((r) => r.duplicated)),
      reordered: sum(reports.map((r) => r.reordered)),
      reconnectMs: reports.flatMap((r) => r.reconnectMs),
      resumeMs: reports.flatMap((r) => r.resumeMs),
      unresumed: sum(reports.map((r) => r.unresumed)),
      restartTs: reports.flatMap((r) => r.restartTs),
      loopDelayP99Ms: Math.max(...reports.map((r) => r.loopDelayP99Ms)),
      minLogEvents: minOf(reports.filter((r) => r.sessions > 0).map((r) => r.minLogEvents)),
    };
  }

  /** Cancels the sessions' running turns, then disconnects them; returns how many turns were cancelled. */
  async closeSessions(): Promise<number> {
    const answers = await Promise.all(
      this.workers.map((worker) => worker.ask<ClosedResult>({ type: 'close' })),
    );
    return sum(answers.map((a) => a.cancelled));
  }

  /** Ends the worker processes (by their own pids). */
  async stop(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.stop()));
  }

  private split(count: number): number[] {
    const base = Math.floor(count / this.workers.length);
    return this.workers.map((_, i) => base + (i < count % this.workers.length ? 1 : 0));
  }
}

/** One worker process and its answers, which come in the order of the commands that ask for them. */
class Worker {
  private readonly child: ChildProcess;
  private readonly waiting: Array<{
    resolve: (answer: WorkerAnswer) => void;
    reject: (error: Error) => void;
  }> = [];
  private readonly exited: Promise<void>;

  constructor(index: number, entry: string) {
    this.child = fork(entry, [], {
      cwd: ROOT,
      execArgv: ['-r', '@swc-node/register', '--max-old-space-size=4096'],
      env: { ...process.env, SWC_NODE_PROJECT: path.join(ROOT, 'tools/bench/tsconfig.json') },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (answer: WorkerAnswer) => this.waiting.shift()?.resolve(answer));
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => {
        const error = new Error(`client worker ${index} exited (${signal ?? `code ${code}`})`);
        for (const waiter of this.waiting.splice(0)) waiter.reject(error);
        resolve();
      }),
    );
  }

  tell(command: WorkerCommand): void {
    this.child.send(command);
  }

  ask<T extends WorkerAnswer>(command: WorkerCommand): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`client worker: no answer to ${command.type}`)),
        ANSWER_TIMEOUT_MS,
      );
      this.waiting.push({
        resolve: (answer) => {
          clearTimeout(timer);
          resolve(answer as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.child.send(command);
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(timer);
  }
}

const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);

/** The smallest of `values`, 0 for none. */
function minOf(values: readonly number[]): number {
  return values.length === 0 ? 0 : Math.min(...values);
}
