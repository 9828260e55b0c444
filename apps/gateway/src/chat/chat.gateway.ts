import { Inject, UseFilters } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { CHAT_LIMITS, type ChatLimits } from '../config/gateway.tokens';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import type { SessionSocket } from '../session/session.gateway';
import { SessionTurnsRegistry } from '../session/session-turns';
import { type ChatAck, refused } from '@litesession/chat-protocol';
import { ChatCancelDto } from './chat-cancel.dto';
import { CHAT_PAYLOAD_SHAPE, ChatSendDto } from './chat-send.dto';
import { TokenBucket } from './token-bucket';
import { WsAckExceptionFilter } from './ws-ack-exception.filter';
import { type TurnRequester, TurnRequests } from './turn-requests';
import { ShapeGuardPipe, strictValidationPipe } from '@litesession/edge';

/** The shape guard first: class-transformer must never walk a hostile payload (prototype keys, depth). */
const payloadPipes = () => [new ShapeGuardPipe(CHAT_PAYLOAD_SHAPE), strictValidationPipe()];

/** Client → server events. Each answers through its acknowledgement, never by closing the connection. */
@WebSocketGateway()
@UseFilters(WsAckExceptionFilter)
export class ChatGateway {
  private readonly buckets = new WeakMap<SessionSocket, TokenBucket>();

  constructor(
    private readonly requests: TurnRequests,
    @Inject(CHAT_LIMITS) private readonly limits: ChatLimits,
    private readonly metrics: GatewayMetrics,
    private readonly turns: SessionTurnsRegistry,
  ) {}

  /** Starts a turn: the request goes to the LLM scheduler, in order with the session's other requests. */
  @SubscribeMessage('chat.send')
  async send(
    @ConnectedSocket() socket: SessionSocket,
    @MessageBody(...payloadPipes()) body: ChatSendDto,
  ): Promise<ChatAck<{ turnId: string }>> {
    return this.counted(await this.queueTurn(socket, body));
  }

  /** Stops a running turn: the scheduler running it watches the session's control channel. */
  @SubscribeMessage('chat.cancel')
  async cancel(
    @ConnectedSocket() socket: SessionSocket,
    @MessageBody(...payloadPipes()) body: ChatCancelDto,
  ): Promise<ChatAck> {
    return this.counted(await this.requestCancel(socket, body));
  }

  private async queueTurn(socket: SessionSocket, body: ChatSendDto): Promise<ChatAck<{ turnId: string }>> {
    if (!this.bucketOf(socket).take()) return refused('rate_limited', 'Too many events; slow down');
    const requester = this.requesterOf(socket);
    if (!requester) return refused('unavailable', 'The session is not open yet');
    return this.requests.send(requester, body);
  }

  private async requestCancel(socket: SessionSocket, body: ChatCancelDto): Promise<ChatAck> {
    if (!this.bucketOf(socket).take()) return refused('rate_limited', 'Too many events; slow down');
    const requester = this.requesterOf(socket);
    if (!requester) return refused('unavailable', 'The session is not open yet');
    return this.requests.cancel(requester, body.turnId);
  }

  /** The socket reads its session's log here, so its turns answer for it. */
  private requesterOf(socket: SessionSocket): TurnRequester | undefined {
    const sessionId = socket.data.sessionId;
    if (!sessionId) return undefined;
    return { sessionId, reader: { turns: this.turns.of(socket), connection: socket } };
  }

  private counted<T extends ChatAck>(ack: T): T {
    if (!ack.ok) this.metrics.errors.inc({ code: ack.error.code });
    return ack;
  }

  private bucketOf(socket: SessionSocket): TokenBucket {
    let bucket = this.buckets.get(socket);
    if (!bucket) {
      bucket = new TokenBucket(this.limits.eventsPerSecond, this.limits.eventsPerSecond);
      this.buckets.set(socket, bucket);
    }
    return bucket;
  }
}
