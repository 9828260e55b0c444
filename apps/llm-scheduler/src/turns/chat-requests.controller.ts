import { Controller, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { CHAT_REQUESTS_TOPIC } from '@litesession/chat-protocol';
import { RocketMQContext } from '@litesession/rocketmq/transport';
import { ShapeGuardPipe, strictValidationPipe } from '@litesession/edge';
import { CHAT_REQUEST_SHAPE, ChatRequestDto } from './chat-send-request.dto';
import { TurnService } from './turn.service';

/** The scheduler's edge: chat requests from the gateways, one session's requests in order. */
@Controller()
export class ChatRequestsController {
  private readonly logger = new Logger(ChatRequestsController.name);

  constructor(private readonly turns: TurnService) {}

  @EventPattern(CHAT_REQUESTS_TOPIC)
  async onRequest(
    // The shape guard first: class-transformer must never walk a hostile message.
    @Payload(new ShapeGuardPipe(CHAT_REQUEST_SHAPE), strictValidationPipe())
    request: ChatRequestDto,
    @Ctx() context: RocketMQContext,
  ): Promise<void> {
    if (request.kind !== 'chat.send') {
      // Cancellations travel on chat-control, not behind the running turn in this FIFO queue.
      this.logger.warn(
        `Ignoring ${request.kind} on ${CHAT_REQUESTS_TOPIC} (message ${context.getMessageId()})`,
      );
      return;
    }
    const send = {
      v: 1 as const,
      kind: 'chat.send' as const,
      sessionId: request.sessionId,
      turnId: request.turnId,
      text: request.text ?? '',
      ts: request.ts,
      ...(request.clientMessageId === undefined ? {} : { clientMessageId: request.clientMessageId }),
    };
    await this.turns.handle(send, { attempt: context.getDeliveryAttempt(), lease: context.getLease() });
  }
}
