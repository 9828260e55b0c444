import { Inject, Logger, UseFilters, UsePipes, ValidationPipe } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { CHAT_REQUESTS_TOPIC, encodeChatRequest, turnIdFor } from '@litesession/chat-protocol';
import { RocketMQProducer } from '@litesession/rocketmq';
import { CHAT_LIMITS, type ChatLimits } from '../config/gateway.tokens';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import type { SessionSocket } from '../session/session.gateway';
import { type ChatAck, refused } from './chat-ack';
import { ChatSendDto } from './chat-send.dto';
import { TokenBucket } from './token-bucket';
import { WsAckExceptionFilter } from './ws-ack-exception.filter';
import { toMessage } from '../describe-error';

/** Client → server events. Each answers through its acknowledgement, never by closing the connection. */
@WebSocketGateway({ transports: ['websocket'] })
@UseFilters(WsAckExceptionFilter)
@UsePipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true }))
export class ChatGateway {
  private readonly logger = new Logger(ChatGateway.name);
  private readonly buckets = new WeakMap<SessionSocket, TokenBucket>();

  constructor(
    private readonly producer: RocketMQProducer,
    @Inject(CHAT_LIMITS) private readonly limits: ChatLimits,
    private readonly metrics: GatewayMetrics,
  ) {}

  /** Starts a turn: the request goes to the LLM scheduler, in order with the session's other requests. */
  @SubscribeMessage('chat.send')
  async send(
    @ConnectedSocket() socket: SessionSocket,
    @MessageBody() body: ChatSendDto,
  ): Promise<ChatAck<{ turnId: string }>> {
    const ack = await this.queueTurn(socket, body);
    if (!ack.ok) this.metrics.errors.inc({ code: ack.error.code });
    return ack;
  }

  private async queueTurn(socket: SessionSocket, body: ChatSendDto): Promise<ChatAck<{ turnId: string }>> {
    if (!this.bucketOf(socket).take()) return refused('rate_limited', 'Too many events; slow down');
    const sessionId = socket.data.sessionId;
    if (!sessionId) return refused('unavailable', 'The session is not open yet');
    if (body.text.length > this.limits.maxTextChars) {
      return refused('invalid_payload', `text must be at most ${this.limits.maxTextChars} characters`);
    }
    const turnId = turnIdFor(sessionId, body.clientMessageId);
    const request = {
      v: 1 as const,
      kind: 'chat.send' as const,
      sessionId,
      turnId,
      text: body.text,
      ts: Date.now(),
    };
    try {
      await this.producer.send(
        CHAT_REQUESTS_TOPIC,
        encodeChatRequest(
          body.clientMessageId === undefined
            ? request
            : { ...request, clientMessageId: body.clientMessageId },
        ),
        { messageGroup: sessionId, keys: [turnId] },
      );
    } catch (error) {
      this.logger.warn(`chat.send of session ${sessionId} failed: ${toMessage(error)}`);
      return refused(
        'unavailable',
        'The request could not be queued; send it again with the same clientMessageId',
      );
    }
    return { ok: true, turnId };
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
