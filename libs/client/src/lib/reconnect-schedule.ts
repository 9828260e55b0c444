import { Backoff, type BackoffOptions } from './backoff';

/** A connection that lasted this long resets the reconnect backoff (a shorter one keeps it growing). */
export const STABLE_CONNECTION_MS = 5000;

/** Which gateway URL comes next, and when: round-robin over the URLs, after a jittered backoff. */
export class ReconnectSchedule {
  private readonly backoff: Backoff;
  private urlIndex = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly urls: readonly string[],
    options: BackoffOptions | undefined,
  ) {
    this.backoff = new Backoff(options);
  }

  get url(): string {
    return this.urls[this.urlIndex % this.urls.length] as string;
  }

  /** A first connect: the backoff starts over. */
  restart(): void {
    this.backoff.reset();
  }

  /**
   * Moves to the next URL and calls `open` after the backoff's delay (at least `minDelayMs`); the last
   * connection's length (`lastedMs`) decides whether the backoff starts over. Replaces a pending call.
   */
  next(lastedMs: number, minDelayMs: number, open: () => void): void {
    this.cancel();
    if (lastedMs >= STABLE_CONNECTION_MS) this.backoff.reset();
    this.urlIndex += 1;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        open();
      },
      Math.max(minDelayMs, this.backoff.next()),
    );
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
