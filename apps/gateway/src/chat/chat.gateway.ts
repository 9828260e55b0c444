import { Inject, Logger, UseFilters } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { CancelTurn, CHAT_CONTROL_TOPIC, type ChatSendRequest } from '@litesession/chat-protocol';
import { RocketMQProducer } from '@litesession/rocketmq';
import { CHAT_LIMITS, type ChatLimits } from '../config/gateway.tokens';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import type { SessionSocket } from '../session/session.gateway';
import { SessionTurnsRegistry } from '../session/session-turns';
import { type ChatAck, refused } from '@litesession/chat-protocol';
import { turnIdFor } from './turn-id';
import { ChatCancelDto } from './chat-cancel.dto';
import { CHAT_PAYLOAD_SHAPE, ChatSendDto } from './chat-send.dto';
import { TokenBucket } from './token-bucket';
import { WsAckExceptionFilter } from './ws-ack-exception.filter';
import { RequestResender } from './request-resender';
import { queueChatRequest } from './chat-requests';
import { ShapeGuardPipe, strictValidationPipe, toMessage } from '@litesession/edge';

/** The shape guard first: class-transformer must never walk a hostile payload (prototype keys, depth). */
const payloadPipes = () => [new ShapeGuardPipe(CHAT_PAYLOAD_SHAPE), strictValidationPipe()];

/** Client → server events. Each answers through its acknowledgement, never by closing the connection. */
@WebSocketGateway()
@UseFilters(WsAckExceptionFilter)
export class ChatGateway {
  private readonly logger = new Logger(ChatGateway.name);
  private readonly buckets = new WeakMap<SessionSocket, TokenBucket>();

  constructor(
    private readonly producer: RocketMQProducer,
    @Inject(CHAT_LIMITS) private readonly limits: ChatLimits,
    private readonly metrics: GatewayMetrics,
    private readonly turns: SessionTurnsRegistry,
    private readonly resender: RequestResender,
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
    const sessionId = socket.data.sessionId;
    if (!sessionId) return refused('unavailable', 'The session is not open yet');
    if (body.text.length > this.limits.maxTextChars) {
      return refused('invalid_payload', `text must be at most ${this.limits.maxTextChars} characters`);
    }
    const turnId = turnIdFor(sessionId, body.clientMessageId);
    const turns = this.turns.of(socket);
    // A repeated clientMessageId names a turn that exists already: same answer, nothing sent again.
    if (body.clientMessageId !== undefined && turns.knows(turnId)) return { ok: true, turnId };
    const busy = turns.busyWith();
    if (busy !== undefined) {
      return refused('turn_in_progress', `Turn ${busy} of this session is still running; wait or cancel it`);
    }
    const request: ChatSendRequest = {
      v: 1,
      kind: 'chat.send',
      sessionId,
      turnId,
      text: body.text,
      ts: Date.now(),
      ...(body.clientMessageId === undefined ? {} : { clientMessageId: body.clientMessageId }),
    };
    try {
      await queueChatRequest(this.producer, request);
    } catch (error) {
      this.logger.warn(`chat.send of session ${sessionId} failed: ${toMessage(error)}`);
      return refused(
        'unavailable',
        'The request could not be queued; send it again with the same clientMessageId',
      );
    }
    turns.queuedTurn(turnId);
    this.resender.watch(socket, turns, request);
    return { ok: true, turnId };
  }

  private async requestCancel(socket: SessionSocket, body: ChatCancelDto): Promise<ChatAck> {
    if (!this.bucketOf(socket).take()) return refused('rate_limited', 'Too many events; slow down');
    const sessionId = socket.data.sessionId;
    if (!sessionId) return refused('unavailable', 'The session is not open yet');
    if (!this.turns.of(socket).isRunning(body.turnId)) {
      return refused('unknown_turn', 'No turn with this id is running in this session');
    }
    try {
      await this.producer.publish(
        sessionId,
        { type: CancelTurn, turnId: body.turnId },
        { parentTopic: CHAT_CONTROL_TOPIC },
      );
    } catch (error) {
      this.logger.warn(`chat.cancel of session ${sessionId} failed: ${toMessage(error)}`);
      return refused('unavailable', 'The cancellation could not be sent; try again');
    }
    return { ok: true };
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
