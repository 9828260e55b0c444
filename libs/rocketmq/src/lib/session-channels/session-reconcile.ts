import type { Logger } from '@nestjs/common';
import { liteTopicFor, sessionIdFor } from '../session/session-id';
import type { SessionChannelsHost } from './session-channels-host';

/**
 * Periodic check against the consumer's own view: sessions the broker moved to another client of this
 * process's consumer group (Exclusive eviction) are revoked, and broker subscriptions nobody here uses any more are released.
 */
export function reconcileSessions(host: SessionChannelsHost, logger: Logger): void {
  const consumer = host.consumer();
  if (!consumer?.isRunning()) return;
  const subscribed = consumer.getLiteTopicSet();
  for (const [sessionId, fanout] of host.sessions) {
    if (!subscribed.has(liteTopicFor(sessionId)) && !host.serial.isBusy(sessionId)) {
      host.forget(sessionId);
      // Expected when a process of the group takes over a dead one's sessions; between two live processes
      // it means they share a group that should be theirs alone.
      logger.warn({
        msg: `Session ${sessionId} was taken over by another client of this consumer group`,
        sessionId,
      });
      fanout.revokeAll('taken_over');
    }
  }
  for (const topic of subscribed) {
    const sessionId = sessionIdFor(topic);
    if (sessionId !== undefined && !host.sessions.has(sessionId) && !host.serial.isBusy(sessionId)) {
      host.inBackground(sessionId, 'Releasing', async () => {
        if (!host.sessions.has(sessionId)) await consumer.unsubscribeLite(topic);
      });
    }
  }
}
