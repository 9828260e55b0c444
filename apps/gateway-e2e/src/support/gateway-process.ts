import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';

const ROOT = path.resolve(__dirname, '../../../..');
export const TEST_SECRET = 'e2e-secret-'.padEnd(40, 'x');

/** A gateway node as its own OS process (apps/gateway/src/main.ts), on a loopback port. */
export class GatewayProcess {
  readonly url: string;
  private readonly output: string[] = [];
  private readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly nodeId: string,
    port: number,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    child.stdout?.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    this.exited = new Promise((resolve) => child.on('exit', () => resolve()));
  }

  static async start(nodeId: string, port: number): Promise<GatewayProcess> {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/gateway/src/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        SWC_NODE_PROJECT: path.join(ROOT, 'apps/gateway/tsconfig.app.json'),
        PORT: String(port),
        GATEWAY_NODE_ID: nodeId,
        SESSION_SECRET: TEST_SECRET,
        ROCKETMQ_ENDPOINTS: process.env['ROCKETMQ_ENDPOINTS'] ?? '127.0.0.1:8081',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const gateway = new GatewayProcess(child, nodeId, port);
    await gateway.waitReady(30_000);
    return gateway;
  }

  connect(auth: Record<string, unknown> = {}): Socket {
    return io(this.url, { transports: ['websocket'], auth, reconnection: false, forceNew: true });
  }

  /** Signals the process by its own pid and waits for it to exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    await this.exited;
  }

  private async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null)
        throw new Error(`gateway ${this.nodeId} exited:\n${this.output.join('')}`);
      const ready = await fetch(`${this.url}/health/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`gateway ${this.nodeId} not ready within ${timeoutMs} ms:\n${this.output.join('')}`);
  }
}
