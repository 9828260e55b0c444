import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { ServerStatusPayload } from '@litesession/chat-protocol';
import { SessionChannels } from '@litesession/rocketmq';

type BrokerState = ServerStatusPayload['broker'];

/** A failed receive is retried within a second; only a failure that lasts longer is an outage. */
export const OUTAGE_AFTER_MS = 1_000;

/**
 * The node's view of the broker, as clients are told it (`server.status`): `unavailable` once the lite
 * consumer's receives have failed for OUTAGE_AFTER_MS, `ok` again at the first receive that works.
 */
@Injectable()
export class BrokerStatus implements OnModuleDestroy {
  private reported: BrokerState = 'ok';
  private outageCount = 0;
  private outageEndedAt: number | undefined;
  private pending: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<(state: BrokerState) => void>();
  private readonly stopWatching: () => void;

  constructor(channels: SessionChannels) {
    this.stopWatching = channels.onLinkChange((health) => this.onLink(health.state));
  }

  get current(): BrokerState {
    return this.reported;
  }

  /** When the last outage ended (ms since the epoch), if one did. */
  get lastOutageEndedAt(): number | undefined {
    return this.outageEndedAt;
  }

  /** Outages reported since start: a change of it means the broker was away in between. */
  get outages(): number {
    return this.outageCount;
  }

  /** Called with every reported change; returns a function that stops the calls. */
  onChange(listener: (state: BrokerState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onModuleDestroy(): void {
    clearTimeout(this.pending);
    this.stopWatching();
  }

  private onLink(state: BrokerState): void {
    clearTimeout(this.pending);
    this.pending = undefined;
    if (state === 'ok') return this.report('ok');
    this.pending = setTimeout(() => this.report('unavailable'), OUTAGE_AFTER_MS);
    this.pending.unref();
  }

  private report(state: BrokerState): void {
    if (state === this.reported) return;
    this.reported = state;
    if (state === 'unavailable') this.outageCount += 1;
    else this.outageEndedAt = Date.now();
    for (const listener of this.listeners) listener(state);
  }
}
