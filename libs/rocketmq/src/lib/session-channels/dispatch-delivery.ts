import type { Logger } from '@nestjs/common';
import { toStack } from '@litesession/edge';
import { decodeSessionEvent } from '../session/session-event';
import { sessionIdFor } from '../session/session-id';
import type { LiteDelivery } from './lite-consumer';
import type { SessionFanout } from './session-fanout';

/**
 * Hands one lite message to its session's listeners here, as the event at seq = its lite queue offset.
 * Runs inside the client's consume callback: never throws.
 */
export function dispatchDelivery(
  sessions: ReadonlyMap<string, SessionFanout>,
  delivery: LiteDelivery,
  logger: Logger,
): void {
  try {
    const sessionId = sessionIdFor(delivery.liteTopic);
    const fanout = sessionId === undefined ? undefined : sessions.get(sessionId);
    if (!fanout || sessionId === undefined) return; // nobody here listens (any more)
    if (delivery.offset === undefined) {
      logger.error({
        msg: `Message ${delivery.messageId} of session ${sessionId} has no queue offset; dropped`,
        sessionId,
      });
      return;
    }
    const seq = delivery.offset;
    const { messageId } = delivery;
    fanout.deliver(seq, messageId, () => decodeSessionEvent(delivery.body, { sessionId, seq, messageId }));
  } catch (error) {
    logger.error(`Dispatch of message ${delivery.messageId} failed`, toStack(error));
  }
}
