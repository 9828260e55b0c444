import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

/** How to run one node of the stack. */
export interface NodeProcessSpec {
  /** Shown before each of its output lines, e.g. `node-a`. */
  name: string;
  /** The program to run. @default this `node` */
  command?: string;
  /** Its arguments, e.g. `['-r', '@swc-node/register', 'apps/gateway/src/main.ts']` for `node`. */
  args: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Polled until it answers 2xx. */
  readyUrl: string;
  /** Time between SIGTERM and SIGKILL at stop. */
  stopGraceMs: number;
  /** Width of the name column, to line up several nodes' output. */
  labelWidth?: number;
  /** False: keep the output only for error messages (lastLines), do not print it. Default true. */
  relayOutput?: boolean;
  /** Also append every output line to this file (created with its folder), for reading after a run. */
  logFile?: string;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class NodeProcessError extends Error {
  override name = 'NodeProcessError';
}

const TAIL_LINES = 30;
const POLL_MS = 250;

/** One child process of the stack (a `node` app, or the local model's server): output prefixed with its name, a readiness wait, stop by its own pid. */
export class NodeProcess {
  readonly exited: Promise<Exit>;
  private readonly tail: string[] = [];
  private exit: Exit | undefined;
  private killed = false;

  private constructor(
    readonly spec: NodeProcessSpec,
    private readonly child: ChildProcess,
  ) {
    const label = `${spec.name.padEnd(spec.labelWidth ?? spec.name.length)} | `;
    const print = spec.relayOutput ?? true;
    const file = spec.logFile ? openLog(spec.logFile) : undefined;
    this.relay(child.stdout, (line) => {
      file?.write(`${line}\n`);
      if (print) process.stdout.write(`${label}${line}\n`);
    });
    this.relay(child.stderr, (line) => {
      file?.write(`${line}\n`);
      if (print) process.stderr.write(`${label}${line}\n`);
    });
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => resolve((this.exit = { code, signal })));
      child.once('error', (error) => {
        this.remember(`(could not start: ${error.message})`);
        resolve((this.exit = { code: null, signal: null }));
      });
    });
    void this.exited.then(() => file?.end());
  }

  static spawn(spec: NodeProcessSpec): NodeProcess {
    const child = spawn(spec.command ?? process.execPath, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: a terminal's Ctrl-C reaches only the stack, which closes the balancer first,
      // then sends each node one SIGTERM (and SIGKILL on a second Ctrl-C).
      detached: true,
    });
    return new NodeProcess(spec, child);
  }

  get name(): string {
    return this.spec.name;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** The last lines the process printed, for error messages. */
  lastLines(): string {
    return this.tail.length > 0 ? this.tail.map((line) => `    ${line}`).join('\n') : '    (no output)';
  }

  /** Resolves once `readyUrl` answers 2xx; fails with the last output lines if the process exits or time runs out. */
  async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.running) {
      if (await isOk(this.spec.readyUrl)) return;
      if (Date.now() > deadline) {
        throw new NodeProcessError(
          `${this.name} was not ready within ${timeoutMs / 1000} s (${this.spec.readyUrl}). Its last lines:\n${this.lastLines()}`,
        );
      }
      await Promise.race([sleep(POLL_MS), this.exited]);
    }
    throw new NodeProcessError(
      `${this.name} exited during start-up (${describeExit(this.exit)}). Its last lines:\n${this.lastLines()}`,
    );
  }

  /** SIGTERM to its own pid, SIGKILL after the grace period. */
  async stop(): Promise<'terminated' | 'killed' | 'not running'> {
    if (!this.running) return 'not running';
    this.signal('SIGTERM');
    const timer = sleep(this.spec.stopGraceMs).then(() => 'timeout' as const);
    if ((await Promise.race([this.exited, timer])) !== 'timeout')
      return this.killed ? 'killed' : 'terminated';
    this.kill();
    await this.exited;
    return 'killed';
  }

  /** SIGKILL now (a second Ctrl-C, or the stack itself is going away). */
  kill(): void {
    if (!this.running) return;
    this.killed = true;
    this.signal('SIGKILL');
  }

  private signal(signal: NodeJS.Signals): void {
    try {
      this.child.kill(signal);
    } catch {
      // already gone between the check and the signal
    }
  }

  private relay(stream: NodeJS.ReadableStream | null, write: (line: string) => void): void {
    if (!stream) return;
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
      this.remember(line);
      write(line);
    });
  }

  private remember(line: string): void {
    this.tail.push(line);
    if (this.tail.length > TAIL_LINES) this.tail.shift();
  }
}

function openLog(file: string): WriteStream {
  mkdirSync(path.dirname(file), { recursive: true });
  return createWriteStream(file, { flags: 'a' });
}

export function describeExit(exit: Exit | undefined): string {
  if (!exit) return 'running';
  return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
}

async function isOk(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
