import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  CancelTurn,
  CHAT_CONTROL_TOPIC,
  type ChatAck,
  type ChatSendRequest,
  refused,
} from '@litesession/chat-protocol';
import { toMessage } from '@litesession/edge';
import { RocketMQProducer } from '@litesession/rocketmq';
import { CHAT_LIMITS, type ChatLimits } from '../config/gateway.tokens';
import type { SessionTurns } from '../session/session-turns';
import { queueChatRequest } from './chat-requests';
import { type ConnectedFlag, RequestResender } from './request-resender';
import { turnIdFor } from './turn-id';

/** Who asks: the session, and what this node knows of its turns (undefined: no reader of it here). */
export interface TurnRequester {
  sessionId: string;
  /** The turns of a connection of this session that reads its log on this node. */
  reader?: { turns: SessionTurns; connection: ConnectedFlag };
}

/**
 * Starting and cancelling turns, the same for every transport (Socket.IO's `chat.send`/`chat.cancel`, the
 * HTTP routes). With a reader of the session on this node its turns answer `turn_in_progress`, repeats
 * and `unknown_turn` at once; without one (an HTTP client that posts without streaming here) the request
 * goes to the scheduler, which finds a repeated turn id in the session's record and runs each turn once,
 * in the session's order.
 */
@Injectable()
export class TurnRequests {
  private readonly logger = new Logger(TurnRequests.name);

  constructor(
    private readonly producer: RocketMQProducer,
    @Inject(CHAT_LIMITS) private readonly limits: ChatLimits,
    private readonly resender: RequestResender,
  ) {}

  async send(
    { sessionId, reader }: TurnRequester,
    body: { text: string; clientMessageId?: string },
  ): Promise<ChatAck<{ turnId: string }>> {
    if (body.text.length > this.limits.maxTextChars) {
      return refused('invalid_payload', `text must be at most ${this.limits.maxTextChars} characters`);
    }
    const turnId = turnIdFor(sessionId, body.clientMessageId);
    const turns = reader?.turns;
    // A repeated clientMessageId names a turn that exists already: same answer, nothing sent again.
    if (body.clientMessageId !== undefined && turns?.knows(turnId)) return { ok: true, turnId };
    const busy = turns?.busyWith();
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
      this.logger.warn({
        msg: `A turn request of session ${sessionId} failed: ${toMessage(error)}`,
        sessionId,
      });
      return refused(
        'unavailable',
        'The request could not be queued; send it again with the same clientMessageId',
      );
    }
    if (reader) {
      reader.turns.queuedTurn(turnId);
      this.resender.watch(reader.connection, reader.turns, request);
    }
    return { ok: true, turnId };
  }

  async cancel({ sessionId, reader }: TurnRequester, turnId: string): Promise<ChatAck> {
    if (reader && !reader.turns.isRunning(turnId)) {
      return refused('unknown_turn', 'No turn with this id is running in this session');
    }
    try {
      await this.producer.publish(
        sessionId,
        { type: CancelTurn, turnId },
        { parentTopic: CHAT_CONTROL_TOPIC },
      );
    } catch (error) {
      this.logger.warn({
        msg: `Cancelling turn ${turnId} of session ${sessionId} failed: ${toMessage(error)}`,
        sessionId,
        turnId,
      });
      return refused('unavailable', 'The cancellation could not be sent; try again');
    }
    return { ok: true };
  }
}
