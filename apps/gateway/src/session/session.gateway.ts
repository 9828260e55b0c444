import { type BeforeApplicationShutdown, Inject, Logger } from '@nestjs/common';
import {
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import type { ChatErrorPayload, ServerToClientEvents } from '@litesession/chat-protocol';
import { toMessage } from '@litesession/edge';
import { SessionChannelQuotaError, SessionChannelsClosedError } from '@litesession/rocketmq';
import type { Admission } from '../admission/session-admission';
import { SessionAdmission } from '../admission/session-admission';
import { CLIENT_ADDRESS_OF } from '../admission/client-address.token';
import type { ClientAddressOf } from '../admission/client-address';
import { DRAIN_GRACE_MS, GATEWAY_NODE_ID } from '../config/gateway.tokens';
import { DrainState } from '../health/drain-state';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { parseHandshake } from './parse-handshake';
import { SessionTurnsRegistry } from './session-turns';
import type { SessionSocketData } from './session.events';
import { BrokerStatus } from './broker-status';
import { SessionLogReader } from './session-log-reader';

export type SessionSocket = Socket<
  Record<string, never>,
  ServerToClientEvents,
  Record<string, never>,
  SessionSocketData
>;

/**
 * One socket = one client of one session. On connect the handshake is admitted (SessionAdmission: rate,
 * credential, resume token, capacity), then the socket's session is subscribed and every event from the
 * client's `lastSeq + 1` is pushed as `chat.event`; on disconnect the subscription is released.
 * The gateway keeps no other session state: any node serves any session.
 */
@WebSocketGateway()
export class SessionGateway
  implements
    OnGatewayInit<Server>,
    OnGatewayConnection<SessionSocket>,
    OnGatewayDisconnect<SessionSocket>,
    BeforeApplicationShutdown
{
  private readonly logger = new Logger(SessionGateway.name);
  @WebSocketServer() private readonly server: Server | undefined;
  // Not in socket.data: that must stay serialisable.
  private readonly open = new WeakMap<SessionSocket, { release(): Promise<void> }>();

  constructor(
    private readonly reader: SessionLogReader,
    private readonly admission: SessionAdmission,
    @Inject(CLIENT_ADDRESS_OF) private readonly addressOf: ClientAddressOf,
    @Inject(GATEWAY_NODE_ID) private readonly nodeId: string,
    private readonly drain: DrainState,
    @Inject(DRAIN_GRACE_MS) private readonly drainGraceMs: number,
    private readonly metrics: GatewayMetrics,
    private readonly turns: SessionTurnsRegistry,
    private readonly broker: BrokerStatus,
  ) {}

  /** Every open socket hears when the broker goes away and comes back (`server.status`). */
  afterInit(server: Server): void {
    this.broker.onChange((broker) => server.emit('server.status', { broker }));
  }

  /**
   * SIGTERM: readiness goes down, every client is told `server.draining` (reconnect elsewhere with your
   * lastSeq) and, after a short grace, disconnected, which releases its subscription. Nest then closes the
   * socket server, and the RocketMQ clients close last (onApplicationShutdown).
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.drain.start();
    if (!this.server) return;
    this.server.emit('server.draining', {});
    await new Promise((resolve) => setTimeout(resolve, this.drainGraceMs));
    this.server.disconnectSockets();
  }

  /** Nest neither awaits this hook nor routes its errors to exception filters: nothing may escape it. */
  handleConnection(socket: SessionSocket): void {
    // Counted on the socket itself: Nest does not call handleDisconnect for a socket refused right here.
    this.metrics.connectedSockets.inc();
    socket.once('disconnect', () => this.metrics.connectedSockets.dec());
    this.openSession(socket).catch((error: unknown) => {
      this.logger.error(`Opening a session failed unexpectedly: ${toMessage(error)}`);
      this.refuse(socket, { code: 'unavailable', message: 'Session unavailable; reconnect' });
    });
  }

  handleDisconnect(socket: SessionSocket): void {
    const session = this.open.get(socket);
    if (!session) return;
    this.open.delete(socket);
    session.release().catch((error: unknown) => {
      this.logger.warn({
        msg: `Could not release session ${socket.data.sessionId}: ${toMessage(error)}`,
        sessionId: socket.data.sessionId,
      });
    });
  }

  private async openSession(socket: SessionSocket): Promise<void> {
    if (this.drain.draining) {
      return this.refuse(socket, {
        code: 'unavailable',
        message: 'This node is shutting down; connect to another',
      });
    }
    const address = this.addressOf({
      remoteAddress: socket.handshake.address,
      headers: socket.handshake.headers,
    });
    const result = await this.admission.admit(address, () => parseHandshake(socket.handshake.auth));
    if (!result.admitted) return this.refuse(socket, result.refusal);
    if (socket.disconnected) return result.release();
    if (!result.isNew) this.metrics.resumes.inc();
    socket.data.sessionId = result.sessionId;
    socket.emit('session', {
      sessionId: result.sessionId,
      resumeToken: result.resumeToken,
      resumeTokenExpiresAt: result.resumeTokenExpiresAt,
      node: this.nodeId,
    });
    if (this.broker.current !== 'ok') socket.emit('server.status', { broker: this.broker.current });
    const stopExpiry = this.watchExpiries(socket, result);
    try {
      const unsubscribe = await this.subscribe(socket, result);
      const release = async () => {
        stopExpiry();
        result.release();
        await unsubscribe();
      };
      // The client may have left while we subscribed; handleDisconnect then found nothing to release.
      if (socket.disconnected) return await release();
      this.open.set(socket, { release });
    } catch (error) {
      stopExpiry();
      result.release();
      this.logger.warn({
        msg: `Could not open session ${result.sessionId}: ${toMessage(error)}`,
        sessionId: result.sessionId,
      });
      const busy = error instanceof SessionChannelQuotaError || error instanceof SessionChannelsClosedError;
      this.refuse(socket, {
        code: 'unavailable',
        message: busy
          ? 'This node cannot serve the session now; reconnect'
          : 'Session unavailable; reconnect',
      });
    }
  }

  private subscribe(socket: SessionSocket, admission: Admission): Promise<() => Promise<void>> {
    return this.reader.open(admission, this.turns.of(socket), {
      onEvent: (event) => socket.emit('chat.event', event),
      onRevoked: () =>
        this.refuse(socket, {
          code: 'session_moved',
          message: 'The session is now served by another connection',
        }),
    });
  }

  /** `token_expired` closes the connection (connect again with a fresh one); `session.renewed` extends it. */
  private watchExpiries(socket: SessionSocket, admission: Admission): () => void {
    return this.reader.watchExpiries(admission, {
      onCredentialExpired: () =>
        this.refuse(socket, {
          code: 'token_expired',
          message: 'The credential has expired; connect with a fresh one',
        }),
      onRenewed: (renewed) => socket.emit('session.renewed', renewed),
    });
  }

  private refuse(socket: SessionSocket, refusal: ChatErrorPayload): void {
    this.metrics.errors.inc({ code: refusal.code });
    socket.emit('chat.error', refusal);
    // Not disconnect(true): closing the transport at once could drop the chat.error still in its buffer;
    // the namespace's disconnect packet goes out after it.
    socket.disconnect();
  }
}
