import { Injectable } from '@nestjs/common';
import { type SessionEvent, SessionChannels, type SessionSubscription } from '@litesession/rocketmq';

export class SessionLogReadTimeoutError extends Error {
  override name = 'SessionLogReadTimeoutError';
}

/**
 * Opens a session's log from seq 0 for a turn: `follow()` returns a live reader. A LiteTopic has no
 * "end of log" a reader can ask for, but it is ordered: once the scheduler's own marker (written just
 * before) arrives, everything written before it has arrived too.
 */
@Injectable()
export class SessionLogReader {
  constructor(private readonly channels: SessionChannels) {}

  async follow(sessionId: string): Promise<SessionLogFollower> {
    const follower = new SessionLogFollower(sessionId);
    // The marker is written, so events are owed until it arrives: keep re-syncing a quiet subscription
    // (seen in the long chaos drill: one resync was not enough and a read of 960 events timed out).
    const owed = { fromSeq: 0, knownSeq: Number.POSITIVE_INFINITY };
    follower.attach(await this.channels.subscribe(sessionId, owed, (event) => follower.push(event)));
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
   * for new events as long as it takes, up to `timeoutMs`.
   */
  until(isLast: (event: SessionEvent) => boolean, timeoutMs: number, fromIndex = 0): Promise<number> {
    for (let index = fromIndex; index < this.events.length; index += 1)
      if (isLast(this.events[index] as SessionEvent)) return Promise.resolve(index);
    return new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(
          new SessionLogReadTimeoutError(
            `Session ${this.sessionId}: the awaited event did not arrive within ${timeoutMs} ms (${this.events.length} events read)`,
          ),
        );
      }, timeoutMs);
      this.waiter = (event) => {
        if (!isLast(event)) return;
        clearTimeout(timer);
        this.waiter = undefined;
        resolve(this.events.length - 1);
      };
    });
  }

  async close(): Promise<void> {
    this.waiter = undefined;
    await this.subscription?.unsubscribe();
  }
}
