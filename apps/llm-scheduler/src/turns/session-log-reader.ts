import { Injectable } from '@nestjs/common';
import { type SessionEvent, SessionChannels } from '@litesession/rocketmq';

export class SessionLogReadTimeoutError extends Error {
  override name = 'SessionLogReadTimeoutError';
}

/**
 * Reads a session's log from seq 0 up to an event the caller recognises (the scheduler's own marker,
 * written just before). A LiteTopic has no "end of log" a reader can ask for, but it is ordered: once the
 * marker arrives, everything written before it has arrived too.
 */
@Injectable()
export class SessionLogReader {
  constructor(private readonly channels: SessionChannels) {}

  async readUntil(
    sessionId: string,
    isLast: (event: SessionEvent) => boolean,
    timeoutMs: number,
  ): Promise<SessionEvent[]> {
    const events: SessionEvent[] = [];
    let finish: (() => void) | undefined;
    const done = new Promise<void>((resolve) => (finish = resolve));
    // The marker is written, so events are owed until it arrives: keep re-syncing a quiet subscription
    // (seen in the long chaos drill: one resync was not enough and a read of 960 events timed out).
    const owed = { fromSeq: 0, knownSeq: Number.POSITIVE_INFINITY };
    const subscription = await this.channels.subscribe(sessionId, owed, (event) => {
      if (finish === undefined) return;
      events.push(event);
      if (isLast(event)) {
        finish();
        finish = undefined;
      }
    });
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        done,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new SessionLogReadTimeoutError(
                  `Session ${sessionId}: log not read up to the marker within ${timeoutMs} ms (${events.length} events)`,
                ),
              ),
            timeoutMs,
          );
        }),
      ]);
      return events;
    } finally {
      clearTimeout(timer);
      finish = undefined;
      await subscription.unsubscribe();
    }
  }
}
