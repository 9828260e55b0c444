import { Injectable } from '@nestjs/common';
import {
  type SessionEvent,
  SessionChannels,
  type SessionSubscription,
  subscribeSteadily,
} from '@litesession/rocketmq';

export class SessionLogReadTimeoutError extends Error {
  override name = 'SessionLogReadTimeoutError';
}

/**
 * Opens a session's log for a turn: `follow()` returns a live reader. A LiteTopic has no
 * "end of log" a reader can ask for, but it is ordered: once the scheduler's own marker (written just
 * before) arrives, everything written before it has arrived too.
 */
@Injectable()
export class SessionLogReader {
  constructor(private readonly channels: SessionChannels) {}

  /** From `fromSeq` (0: the whole log; a SessionContexts position: only what came since). */
  async follow(sessionId: string, fromSeq = 0): Promise<SessionLogFollower> {
    const follower = new SessionLogFollower(sessionId);
    // The marker is written, so events are owed until it arrives: keep re-syncing a quiet subscription
    // (seen in the long chaos drill: one resync was not enough and a read of 960 events timed out).
    // Steadily: another scheduler reading the same session (a redelivered request) takes the session over
    // in the Exclusive reader group; this read then takes it back where it was instead of waiting out
    // its timeout (seen in the broker-restart drill).
    const owed = { fromSeq, knownSeq: Number.POSITIVE_INFINITY };
    follower.attach(await subscribeSteadily(this.channels, sessionId, owed, (event) => follower.push(event)));
    return follower;
  }
}

/** The events of one session's log read so far, and waits for the next ones. Close it when done. */
export class SessionLogFollower {
  readonly events: SessionEvent[] = [];
  private subscription: SessionSubscription | undefined;
  private waiter: ((event: SessionEvent) => void) | undefined;

  constructor(readonly sessionId: string) {}

  /** @internal */
  attach(subscription: SessionSubscription): void {
    this.subscription = subscription;
  }

  /** @internal */
  push(event: SessionEvent): void {
    this.events.push(event);
    this.waiter?.(event);
  }

  /**
   * Resolves with the index of the first event from `fromIndex` on for which `isLast` is true, waiting
   * for new events as long as it takes, up to `timeoutMs`; rejects with the abort reason once `signal`
   * aborts (the request's lease was lost).
   */
  until(
    isLast: (event: SessionEvent) => boolean,
    timeoutMs: number,
    fromIndex = 0,
    signal?: AbortSignal,
  ): Promise<number> {
    for (let index = fromIndex; index < this.events.length; index += 1)
      if (isLast(this.events[index] as SessionEvent)) return Promise.resolve(index);
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<number>((resolve, reject) => {
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.waiter = undefined;
        settle();
      };
      const onAbort = () => finish(() => reject(signal?.reason));
      const timer = setTimeout(
        () =>
          finish(() =>
            reject(
              new SessionLogReadTimeoutError(
                `Session ${this.sessionId}: the awaited event did not arrive within ${timeoutMs} ms (${this.events.length} events read)`,
              ),
            ),
          ),
        timeoutMs,
      );
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiter = (event) => {
        if (isLast(event)) finish(() => resolve(this.events.length - 1));
      };
    });
  }

  async close(): Promise<void> {
    this.waiter = undefined;
    await this.subscription?.unsubscribe();
  }
}
