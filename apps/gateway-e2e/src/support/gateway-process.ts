import { io, type Socket } from 'socket.io-client';
import { AppProcess } from './app-process';

export const TEST_SECRET = 'e2e-secret-'.padEnd(40, 'x');

/** A gateway node (apps/gateway) as its own process. */
export class GatewayProcess {
  private constructor(
    readonly process: AppProcess,
    readonly nodeId: string,
  ) {}

  static async start(nodeId: string, env: Record<string, string> = {}): Promise<GatewayProcess> {
    const node = await AppProcess.start({
      app: 'gateway',
      name: `gateway ${nodeId}`,
      env: { GATEWAY_NODE_ID: nodeId, SESSION_SECRET: TEST_SECRET, ...env },
    });
    return new GatewayProcess(node, nodeId);
  }

  get url(): string {
    return this.process.url;
  }

  connect(auth: Record<string, unknown> = {}): Socket {
    return io(this.url, { transports: ['websocket'], auth, reconnection: false, forceNew: true });
  }

  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    return this.process.stop(signal);
  }
}
