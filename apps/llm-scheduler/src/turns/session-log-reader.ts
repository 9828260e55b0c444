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
 * The read skipped events: the channel gave up re-positioning past a hole and delivered what followed
 * (RocketMQSessionChannels after MAX_GAP_REWINDS). A conversation folded from such a read would miss
 * replies or endings, so the read is void; the caller reads again.
 */
export class SessionLogGapError extends Error {
  override name = 'SessionLogGapError';
}

/**
 * Opens a session's log for a turn: `follow()` returns a live reader. A LiteTopic has no
 * "end of log" a reader can ask for, but it is ordered: once the scheduler's own marker (written just
 * before) arrives, everything written before it has arrived too.
 */
@Injectable()
export class SessionLogReader {
  constructor(private readonly channels: SessionChannels) {}

  /**
   * From `fromSeq` (0: the whole log; a SessionContexts position: only what came since), or, with
   * `fromEnd`, from the log's end: only events stored after this resolves, none below `fromSeq`.
   */
  async follow(sessionId: string, fromSeq = 0, fromEnd = false): Promise<SessionLogFollower> {
    const follower = new SessionLogFollower(sessionId);
    // The marker is written, so events are owed until it arrives: keep re-syncing a quiet subscription
    // (seen in the long chaos drill: one resync was not enough and a read of 960 events timed out).
    // Steadily: another scheduler reading the same session (a redelivered request) takes the session over
    // in the Exclusive reader group; this read then takes it back where it was instead of waiting out
    // its timeout (seen in the broker-restart drill).
    // A gap voids the read (SessionLogGapError): seen in the broker+proxy drill, two schedulers reading one
    // session evicted each other until the channel delivered past a hole, and the turn then waited for
    // good for an earlier turn whose ending was in the hole.
    const options = {
      fromSeq,
      fromEnd,
      knownSeq: Number.POSITIVE_INFINITY,
      onGap: (expected: number, received: number) =>
        follower.fail(
          new SessionLogGapError(
            `Session ${sessionId}: the log read skipped seq ${expected}..${received - 1}`,
          ),
        ),
    };
    follower.attach(
      await subscribeSteadily(this.channels, sessionId, options, (event) => follower.push(event)),
    );
    return follower;
  }
}

/** The events of one session's log read so far, and waits for the next ones. Close it when done. */
export class SessionLogFollower {
  readonly events: SessionEvent[] = [];
  private subscription: SessionSubscription | undefined;
  private waiter: ((event: SessionEvent) => void) | undefined;
  private failure: Error | undefined;
  private onFailure: ((error: Error) => void) | undefined;

  constructor(readonly sessionId: string) {}

  /** @internal The read is void (a gap): what is waiting rejects with `error`, and so does every wait after. */
  fail(error: Error): void {
    this.failure ??= error;
    this.onFailure?.(this.failure);
  }

  /** @internal */
  attach(subscription: SessionSubscription): void {
    this.subscription = subscription;
  }

  /** @internal */
  push(event: SessionEvent): void {
    if (this.failure) return;
    this.events.push(event);
    this.waiter?.(event);
  }

  /**
   * Resolves with the index of the first event from `fromIndex` on for which `isLast` is true, waiting
   * for new events as long as it takes, up to `timeoutMs`; rejects with the abort reason once `signal`
   * aborts (the request's lease was lost), or with SessionLogGapError once the read skipped events.
   */
  until(
    isLast: (event: SessionEvent) => boolean,
    timeoutMs: number,
    fromIndex = 0,
    signal?: AbortSignal,
  ): Promise<number> {
    for (let index = fromIndex; index < this.events.length; index += 1)
      if (isLast(this.events[index] as SessionEvent)) return Promise.resolve(index);
    if (this.failure) return Promise.reject(this.failure);
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<number>((resolve, reject) => {
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.waiter = undefined;
        this.onFailure = undefined;
        settle();
      };
      this.onFailure = (error) => finish(() => reject(error));
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
