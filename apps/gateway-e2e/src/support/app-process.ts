import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '@litesession/stack-tools';

export const ROOT = path.resolve(__dirname, '../../../..');
/** Every node's whole output is kept here (git-ignored), for looking into a failed run. */
const LOG_DIR = path.join(ROOT, 'test-results', 'e2e-logs');

export interface AppProcessSpec {
  /** e.g. `gateway`, `llm-scheduler` (apps/<app>/src/main.ts, run from sources). */
  app: string;
  name: string;
  env: Record<string, string>;
  /** Defaults to a free loopback port. */
  port?: number;
}

/** Every node started in this test file and not yet stopped (see stopAllAppProcesses). */
const started = new Set<AppProcess>();

/**
 * Stops (SIGKILL) every node this test file started and did not stop itself, e.g. the scheduler of a
 * `Promise.all` start whose gateway failed; registered for every e2e file by support/stop-leftovers.ts.
 */
export async function stopAllAppProcesses(): Promise<void> {
  await Promise.all([...started].map((node) => node.stop('SIGKILL')));
}

/** One app node as its own OS process on a loopback port, started and signalled by its own pid. */
export class AppProcess {
  readonly url: string;
  private readonly output: string[] = [];
  private readonly closed: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly spec: AppProcessSpec,
    readonly port: number,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    mkdirSync(LOG_DIR, { recursive: true });
    const file = createWriteStream(path.join(LOG_DIR, `${spec.name.replace(/\W+/g, '-')}-${child.pid}.log`));
    const keep = (chunk: Buffer) => {
      this.output.push(chunk.toString());
      file.write(chunk);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('close', () => file.end());
    // 'close', not 'exit': the output is complete only once the pipes are drained.
    this.closed = new Promise((resolve) => child.on('close', () => resolve()));
    started.add(this);
    void this.closed.then(() => started.delete(this));
  }

  static async start(spec: AppProcessSpec, readyTimeoutMs = 120_000): Promise<AppProcess> {
    const port = spec.port ?? (await freePort());
    const child = spawn(process.execPath, ['-r', '@swc-node/register', `apps/${spec.app}/src/main.ts`], {
      cwd: ROOT,
      env: {
        ...process.env,
        SWC_NODE_PROJECT: path.join(ROOT, `apps/${spec.app}/tsconfig.app.json`),
        HOST: '127.0.0.1',
        PORT: String(port),
        ROCKETMQ_ENDPOINTS: process.env['ROCKETMQ_ENDPOINTS'] ?? '127.0.0.1:8081',
        ...spec.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const node = new AppProcess(child, spec, port);
    await node.waitReady(readyTimeoutMs);
    return node;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Settles once the process is gone and its output drained. */
  get exited(): Promise<void> {
    return this.closed;
  }

  /** Signals the process by its own pid and waits until it is gone. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.running) this.child.kill(signal);
    await this.closed;
  }

  /** Sends `signal` (e.g. SIGSTOP, SIGCONT) to the process by its own pid, without waiting for anything. */
  signal(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }

  /** The process's output so far (for failure messages). */
  logs(): string {
    return this.output.join('');
  }

  private async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) {
        await this.closed;
        throw new Error(`${this.spec.name} exited during start-up:\n${this.logs()}`);
      }
      const ready = await fetch(`${this.url}/health/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await this.stop('SIGKILL');
    throw new Error(`${this.spec.name} not ready within ${timeoutMs} ms:\n${this.logs()}`);
  }
}
