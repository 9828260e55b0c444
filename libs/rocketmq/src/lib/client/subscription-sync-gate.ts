/**
 * Orders a lite consumer's subscription RPCs so that a full sync never carries a stale set. Partial
 * changes (subscribe, unsubscribe, a re-position's unsubscribe + subscribe) share the gate and run side by
 * side; a full sync has it alone, and takes its snapshot of the set only then.
 *
 * Why: rocketmq-client-nodejs 1.0.8 updates its set only after a partial RPC returns, and sends the full
 * set (COMPLETE_ADD) every 30 s and on demand. A snapshot taken while an unsubscribe was in flight re-added
 * the topic at the broker after the unsubscribe. 5.5.0's Exclusive check then found this very client still
 * holding the topic at the next subscribe, evicted it and sent it "unsubscribe lite" (broker lite.log:
 * `excludeClientByLmqName … clientId:X -> X`): the gateway revoked its own session. A stale re-add also
 * makes a node that gave a session up hold it beside the new holder, and take part of its stream.
 */
export class SubscriptionSyncGate {
  private partials = 0;
  private fullRunning = false;
  /** Full syncs waiting; while any waits, new partial changes wait too, so a busy node still syncs. */
  private readonly fullWaiters: Array<() => void> = [];
  private readonly partialWaiters: Array<() => void> = [];

  async partial<T>(change: () => Promise<T>): Promise<T> {
    while (this.fullRunning || this.fullWaiters.length > 0) {
      await new Promise<void>((resolve) => this.partialWaiters.push(resolve));
    }
    this.partials += 1;
    try {
      return await change();
    } finally {
      this.partials -= 1;
      this.wake();
    }
  }

  async full<T>(sync: () => Promise<T>): Promise<T> {
    if (this.fullRunning || this.partials > 0 || this.fullWaiters.length > 0) {
      await new Promise<void>((resolve) => this.fullWaiters.push(resolve));
    }
    this.fullRunning = true;
    try {
      return await sync();
    } finally {
      this.fullRunning = false;
      this.wake();
    }
  }

  private wake(): void {
    if (this.fullRunning || this.partials > 0) return;
    const nextFull = this.fullWaiters.shift();
    if (nextFull) {
      this.fullRunning = true; // claimed now: no partial change may start before the waiter resumes
      nextFull();
      return;
    }
    this.partialWaiters.splice(0).forEach((resolve) => resolve());
  }
}
