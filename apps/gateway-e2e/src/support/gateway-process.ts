import { io, type Socket } from 'socket.io-client';
import { AppProcess } from './app-process';
import { E2E_IDENTITY, mintJwt } from './identity';

export const TEST_SECRET = 'e2e-secret-'.padEnd(40, 'x');

/** The user the suites connect as unless they say otherwise. */
export const E2E_USER = 'e2e-user';

/**
 * How e2e gateways run: JWT authentication as in production, and limits high enough for suites that
 * reconnect many times from 127.0.0.1 (the security suite sets its own).
 */
const E2E_GATEWAY_ENV = {
  SESSION_SECRET: TEST_SECRET,
  ...E2E_IDENTITY.gatewayEnv(),
  CONNECTIONS_PER_IP_PER_MINUTE: '100000',
  NEW_SESSIONS_PER_IP_PER_MINUTE: '100000',
  CONNECTIONS_PER_USER_PER_MINUTE: '100000',
  NEW_SESSIONS_PER_USER_PER_MINUTE: '100000',
};

/**
 * GATEWAY_GROUP_INDEX of the gateways running now: each live node gets one of its own (the lowest free),
 * as a deployment gives them, so that nodes serving one session never evict each other.
 */
const groupIndexesInUse = new Set<number>();

function claimGroupIndex(): number {
  let index = 0;
  while (groupIndexesInUse.has(index)) index += 1;
  groupIndexesInUse.add(index);
  return index;
}

/** A gateway node (apps/gateway) as its own process. */
export class GatewayProcess {
  private constructor(
    readonly process: AppProcess,
    readonly nodeId: string,
  ) {}

  static async start(nodeId: string, env: Record<string, string> = {}): Promise<GatewayProcess> {
    const groupIndex = claimGroupIndex();
    const release = () => groupIndexesInUse.delete(groupIndex);
    const node = await AppProcess.start({
      app: 'gateway',
      name: `gateway ${nodeId}`,
      env: { GATEWAY_NODE_ID: nodeId, GATEWAY_GROUP_INDEX: String(groupIndex), ...E2E_GATEWAY_ENV, ...env },
    }).catch((error: unknown) => {
      release();
      throw error;
    });
    void node.exited.then(release);
    return new GatewayProcess(node, nodeId);
  }

  get url(): string {
    return this.process.url;
  }

  /**
   * Opens a socket with `auth`; a JWT of `user` is added as `auth.token` unless `auth` has a `token` key
   * (a `token: undefined` sends none).
   */
  connect(auth: Record<string, unknown> = {}, user = E2E_USER): Socket {
    return io(this.url, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      auth: (send) => {
        if ('token' in auth) return send(withoutUndefined(auth));
        void mintJwt(user).then((token) => send({ ...auth, token }));
      },
    });
  }

  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    return this.process.stop(signal);
  }
}

function withoutUndefined(auth: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(auth).filter(([, value]) => value !== undefined));
}
