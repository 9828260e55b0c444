import { toMessage } from '@litesession/edge';
import { SessionChannelError, SessionChannelQuotaError } from '../rocketmq.errors';

/** A refused lite subscribe as the library's typed error: out of quota, or the broker's refusal. */
export function translateSubscribeError(sessionId: string, error: unknown): Error {
  const code = (error as { code?: unknown })?.code;
  if (code === 429 || /quota exceeded/i.test(toMessage(error))) {
    return new SessionChannelQuotaError(
      `No lite subscription quota left for session ${sessionId}: ${toMessage(error)}`,
      {
        cause: error,
      },
    );
  }
  return new SessionChannelError(`Subscribing to session ${sessionId} failed: ${toMessage(error)}`, {
    cause: error,
  });
}
