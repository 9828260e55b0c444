import { type BeforeApplicationShutdown, Inject, Logger } from '@nestjs/common';
import {
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import {
  createSessionId,
  SessionChannelQuotaError,
  SessionChannels,
  SessionChannelsClosedError,
  type SessionSubscription,
} from '@litesession/rocketmq';
import { DRAIN_GRACE_MS, GATEWAY_NODE_ID } from '../config/gateway.tokens';
import { DrainState } from '../health/drain-state';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { InvalidHandshakeError, parseHandshake } from './parse-handshake';
import { ResumeTokens } from './resume-token';
import { SessionTurnsRegistry } from './session-turns';
import {
  type ChatErrorCode,
  type ServerToClientEvents,
  type SessionSocketData,
  toChatEvent,
} from './session.events';
import { toMessage } from '../describe-error';

export type SessionSocket = Socket<
  Record<string, never>,
  ServerToClientEvents,
  Record<string, never>,
  SessionSocketData
>;

/**
 * One socket = one client of one session. On connect the socket's session is subscribed from the client's
 * `lastSeq + 1` and every event is pushed as `chat.event`; on disconnect the subscription is released.
 * The gateway keeps no other session state: any node serves any session.
 */
@WebSocketGateway({ transports: ['websocket'] })
export class SessionGateway
  implements OnGatewayConnection<SessionSocket>, OnGatewayDisconnect<SessionSocket>, BeforeApplicationShutdown
{
  private readonly logger = new Logger(SessionGateway.name);
  @WebSocketServer() private readonly server: Server | undefined;
  // Not in socket.data: that must stay serialisable.
  private readonly subscriptions = new WeakMap<SessionSocket, SessionSubscription>();

  constructor(
    private readonly channels: SessionChannels,
    private readonly tokens: ResumeTokens,
    @Inject(GATEWAY_NODE_ID) private readonly nodeId: string,
    private readonly drain: DrainState,
    @Inject(DRAIN_GRACE_MS) private readonly drainGraceMs: number,
    private readonly metrics: GatewayMetrics,
    private readonly turns: SessionTurnsRegistry,
  ) {}

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

  /** Nest does not await this hook nor route its errors to exception filters, so it handles every failure itself. */
  async handleConnection(socket: SessionSocket): Promise<void> {
    // Counted on the socket itself: Nest does not call handleDisconnect for a socket refused right here.
    this.metrics.connectedSockets.inc();
    socket.once('disconnect', () => this.metrics.connectedSockets.dec());
    if (this.drain.draining)
      return this.refuse(socket, 'unavailable', 'This node is shutting down; connect to another');
    let sessionId: string;
    let fromSeq: number;
    try {
      const handshake = parseHandshake(socket.handshake.auth);
      if (handshake.kind === 'resume') {
        if (!this.tokens.verify(handshake.sessionId, handshake.resumeToken)) {
          // The same answer whether or not the session exists.
          return this.refuse(socket, 'invalid_session', 'Unknown session or invalid resume token');
        }
        ({ sessionId, fromSeq } = handshake);
        this.metrics.resumes.inc();
      } else {
        sessionId = createSessionId();
        fromSeq = 0;
      }
    } catch (error) {
      if (error instanceof InvalidHandshakeError)
        return this.refuse(socket, 'invalid_handshake', error.message);
      throw error;
    }
    socket.data.sessionId = sessionId;
    socket.emit('session', { sessionId, resumeToken: this.tokens.issue(sessionId), node: this.nodeId });
    const stopTimer = this.metrics.subscribeSeconds.startTimer();
    const turns = this.turns.of(socket);
    try {
      // From seq 0 so that the socket knows the session's turns; the client gets only what it lacks.
      const subscription = await this.channels.subscribe(
        sessionId,
        {
          fromSeq: 0,
          // A resuming client had events up to lastSeq: the log holds them, so they must arrive.
          ...(fromSeq > 0 ? { knownSeq: fromSeq - 1 } : {}),
          onRevoked: () =>
            this.refuse(socket, 'session_moved', 'The session is now served by another connection'),
        },
        (event) => {
          turns.observe(event);
          if (event.seq < fromSeq) return;
          socket.emit('chat.event', toChatEvent(event));
          this.metrics.eventsRelayed.inc();
        },
      );
      stopTimer();
      if (socket.disconnected) {
        // The client left while we subscribed; handleDisconnect found nothing to release.
        await subscription.unsubscribe();
        return;
      }
      this.subscriptions.set(socket, subscription);
    } catch (error) {
      this.logger.warn(`Could not open session ${sessionId}: ${toMessage(error)}`);
      const busy = error instanceof SessionChannelQuotaError || error instanceof SessionChannelsClosedError;
      this.refuse(
        socket,
        'unavailable',
        busy ? 'This node cannot serve the session now; reconnect' : 'Session unavailable; reconnect',
      );
    }
  }

  async handleDisconnect(socket: SessionSocket): Promise<void> {
    const subscription = this.subscriptions.get(socket);
    if (!subscription) return;
    this.subscriptions.delete(socket);
    try {
      await subscription.unsubscribe();
    } catch (error) {
      this.logger.warn(`Could not release session ${subscription.sessionId}: ${toMessage(error)}`);
    }
  }

  private refuse(socket: SessionSocket, code: ChatErrorCode, message: string): void {
    this.metrics.errors.inc({ code });
    socket.emit('chat.error', { code, message });
    // Not disconnect(true): closing the transport at once could drop the chat.error still in its buffer;
    // the namespace's disconnect packet goes out after it.
    socket.disconnect();
  }
}
