import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { brokerEndpoints } from './broker-endpoints';

const ROOT = path.resolve(__dirname, '../../../..');
const SCRIPT = path.join(__dirname, 'session-subscriber.process.ts');

export interface SubscriberLine {
  kind: string;
  t: number;
  sessionId?: string;
  seq?: number;
  [key: string]: unknown;
}

/** A session-subscriber process (see session-subscriber.process.ts) and everything it printed. */
export class SubscriberProcess {
  readonly lines: SubscriberLine[] = [];
  readonly stderr: string[] = [];
  private readonly waiters = new Set<() => void>();
  private exitCode: number | null | undefined;
  private readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        this.lines.push(JSON.parse(line) as SubscriberLine);
      } catch {
        this.stderr.push(`(stdout) ${line}`);
      }
      this.waiters.forEach((wake) => wake());
    });
    createInterface({ input: child.stderr }).on('line', (line) => this.stderr.push(line));
    this.exited = new Promise((resolve) =>
      child.on('exit', (code) => {
        this.exitCode = code;
        this.waiters.forEach((wake) => wake());
        resolve();
      }),
    );
  }

  static start(
    options: { sessionIds?: string[]; fromSeq?: number; env?: Record<string, string> } = {},
  ): SubscriberProcess {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', SCRIPT], {
      cwd: ROOT,
      env: {
        ...process.env,
        SWC_NODE_PROJECT: path.join(ROOT, 'libs/rocketmq/tsconfig.spec.json'),
        ROCKETMQ_ENDPOINTS: brokerEndpoints(),
        SESSION_IDS: (options.sessionIds ?? []).join(','),
        FROM_SEQ: String(options.fromSeq ?? 0),
        ...options.env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    return new SubscriberProcess(child);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  events(sessionId?: string): SubscriberLine[] {
    return this.lines.filter(
      (l) => l.kind === 'event' && (sessionId === undefined || l.sessionId === sessionId),
    );
  }

  /** Resolves with the first line matching `predicate` (already printed or yet to come); rejects on exit or timeout. */
  waitFor(
    predicate: (line: SubscriberLine) => boolean,
    timeoutMs: number,
    what: string,
  ): Promise<SubscriberLine> {
    return this.waitUntil(() => this.lines.find(predicate), timeoutMs, what);
  }

  /** Resolves when `check` returns a value; rejects with the process's output on timeout or exit. */
  waitUntil<T>(check: () => T | undefined | false, timeoutMs: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const finish = (error?: Error, value?: T) => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        if (error) reject(error);
        else resolve(value as T);
      };
      const wake = () => {
        const value = check();
        if (value !== undefined && value !== false) return finish(undefined, value);
        if (this.exitCode !== undefined) finish(this.failure(`exited (${this.exitCode}) before ${what}`));
      };
      const timer = setTimeout(
        () => finish(this.failure(`timed out after ${timeoutMs} ms waiting for ${what}`)),
        timeoutMs,
      );
      this.waiters.add(wake);
      wake();
    });
  }

  send(command: 'unsubscribe' | 'stats' | 'exit' | `subscribe ${string} ${number}`): void {
    this.child.stdin.write(`${command}\n`);
  }

  /** Resolves once the process is up and has subscribed its initial sessions. */
  ready(timeoutMs = 30_000): Promise<SubscriberLine> {
    return this.waitFor((l) => l.kind === 'ready', timeoutMs, 'ready');
  }

  /** The highest seq received for a session, or -1. */
  lastSeq(sessionId: string): number {
    return Math.max(-1, ...this.events(sessionId).map((e) => e.seq as number));
  }

  /** Signals the process by its own pid and waits until it is gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.exitCode === undefined) this.child.kill(signal);
    await this.exited;
  }

  async close(): Promise<void> {
    if (this.exitCode !== undefined) return;
    this.send('exit');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }

  private failure(message: string): Error {
    const tail = this.stderr.slice(-15).join('\n');
    const last = this.lines
      .slice(-3)
      .map((l) => JSON.stringify(l))
      .join('\n');
    return new Error(`subscriber pid ${this.pid} ${message}\nlast stdout:\n${last}\nstderr:\n${tail}`);
  }
}
