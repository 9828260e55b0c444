import { SessionChannelError } from '@litesession/rocketmq';

/** Pause between two tries of a broker call the broker refused. */
export const BROKER_RETRY_MS = 500;

/**
 * The broker calls before the model is asked (the marker, the log read, the cancel watch), tried again for
 * up to `patienceMs` while the broker refuses them: in a broker restart's first seconds the proxy still
 * answers "group not found" or "TopicMessageType validate failed" (docs/rocketmq.md). Failing at once
 * would spend a delivery attempt, and the group's retries follow within milliseconds (the client reads
 * the policy's backoff as milliseconds), so a burst of them would reach the last attempt.
 */
export async function patiently<T>(
  call: () => Promise<T>,
  signal: AbortSignal,
  patienceMs: number,
): Promise<T> {
  const deadline = Date.now() + patienceMs;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof SessionChannelError) || Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, BROKER_RETRY_MS));
      signal.throwIfAborted();
    }
  }
}
