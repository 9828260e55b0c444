import { toMessage } from '@litesession/edge';

/**
 * A handler's hold on one received message (a request), renewed by this process itself rather than by the
 * proxy: when the process dies the message becomes visible again within `leaseMs`, and any scheduler may
 * take it; when the process wants to let go early (shutdown) it hands the message back at once.
 */
export interface RequestLease {
  /** Aborted when the lease is lost (a renewal was refused): another consumer may hold the message now. */
  readonly signal: AbortSignal;
  /** Lets go of the message: the handler's failure then makes it visible at once, not after a backoff. */
  handBack(): void;
}

/** What renewing one lease needs from the consumer: one ChangeInvisibleDuration with the latest handle. */
export type RenewLease = (receiptHandle: string, leaseMs: number) => Promise<string>;

/** One lease's state. The consumer reads `receiptHandle` for its ack or nack, which must use the latest. */
export class HeldMessage implements RequestLease {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private handedBack = false;
  private renewing: Promise<void> = Promise.resolve();

  constructor(
    readonly messageId: string,
    public receiptHandle: string,
    private readonly leaseMs: number,
    private readonly renewEveryMs: number,
    private readonly renew: RenewLease,
    private readonly onLost: (messageId: string, reason: string) => void,
  ) {
    this.schedule();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** True once handBack() was called: a nack then uses no delay. */
  get isHandedBack(): boolean {
    return this.handedBack;
  }

  handBack(): void {
    this.handedBack = true;
    this.stop();
  }

  /** Stops renewing (the message was acked or nacked, or handed back). */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * The receipt handle to end the lease with, once a renewal in flight has answered. An ack with the
   * handle that renewal replaced is refused as INVALID_RECEIPT_HANDLE, which the client forgives without
   * retrying, and the renewal's new hold then delivers the message again after a lease: every acked
   * request came back once (seen in the broker drill and the two-broker e2e run as repeated deliveries of
   * completed turns).
   */
  async finalHandle(): Promise<string> {
    this.stop();
    await this.renewing;
    return this.receiptHandle;
  }

  /**
   * Renewals start every `renewEveryMs` from the previous one's start (a slow renewal must not push the
   * next one later, or the lease could run out under load); they never overlap.
   */
  private schedule(delayMs = this.renewEveryMs): void {
    this.timer = setTimeout(() => void this.renewNow(), Math.max(0, delayMs));
    this.timer.unref();
  }

  private async renewNow(): Promise<void> {
    if (this.timer === undefined) return;
    const startedAt = Date.now();
    const renewal = this.renew(this.receiptHandle, this.leaseMs);
    this.renewing = renewal.then(
      () => undefined,
      () => undefined,
    );
    try {
      this.receiptHandle = await renewal;
    } catch (error) {
      this.stop();
      const reason = toMessage(error);
      this.onLost(this.messageId, reason);
      this.controller.abort(new LeaseLostError(`Lease of message ${this.messageId} lost: ${reason}`));
      return;
    }
    if (this.timer !== undefined) this.schedule(startedAt + this.renewEveryMs - Date.now());
  }
}

/** A handler learns through `RequestLease.signal` that its message may belong to someone else now. */
export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
}
