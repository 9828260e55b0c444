import type { LinkHealth } from '../client/link-repair';
import type { PublishedSessionEvent } from '../producer/rocketmq-producer';
import {
  encodeSessionEvent,
  decodeSessionEvent,
  type SessionEvent,
  type SessionEventInput,
} from '../session/session-event';
import { SessionChannelsClosedError } from '../rocketmq.errors';
import { assertSessionId } from '../session/session-id';
import {
  type RevocationReason,
  type SessionChannelStats,
  SessionChannels,
  type SessionListener,
  type SessionSubscription,
  type SubscribeOptions,
} from '../session-channels/session-channels';

interface Subscriber {
  sessionId: string;
  listener: SessionListener;
  options: SubscribeOptions;
  nextSeq: number;
}

/**
 * SessionChannels in memory, for unit tests of code that uses the port: the same seq rules (0, 1, 2, …
 * per session, replay from `fromSeq`), envelope validation and asynchronous delivery as the real one.
 */
export class InMemorySessionChannels extends SessionChannels {
  private readonly logs = new Map<string, SessionEvent[]>();
  private readonly subscribers = new Set<Subscriber>();
  private running = true;
  private link: LinkHealth = { state: 'ok', since: 0 };
  private readonly linkListeners = new Set<(health: LinkHealth) => void>();

  linkHealth(): LinkHealth {
    return { ...this.link };
  }

  onLinkChange(listener: (health: LinkHealth) => void): () => void {
    this.linkListeners.add(listener);
    return () => this.linkListeners.delete(listener);
  }

  /** Test control: the broker stops or starts answering (as a real consumer's receives would show). */
  setLink(state: LinkHealth['state'], reason?: string): void {
    if (state === this.link.state) return;
    this.link = reason === undefined ? { state, since: Date.now() } : { state, since: Date.now(), reason };
    for (const listener of this.linkListeners) listener(this.linkHealth());
  }

  async publish(sessionId: string, input: SessionEventInput): Promise<PublishedSessionEvent> {
    assertSessionId(sessionId);
    const log = this.logs.get(sessionId) ?? [];
    this.logs.set(sessionId, log);
    const seq = log.length;
    const messageId = `mem-${sessionId}-${seq}`;
    log.push(decodeSessionEvent(encodeSessionEvent(input), { sessionId, seq, messageId }));
    queueMicrotask(() => this.flush(sessionId));
    return { sessionId, messageId };
  }

  async subscribe(
    sessionId: string,
    options: SubscribeOptions,
    listener: SessionListener,
  ): Promise<SessionSubscription> {
    assertSessionId(sessionId);
    const fromSeq = options.fromSeq ?? 0;
    if (!Number.isSafeInteger(fromSeq) || fromSeq < 0) {
      throw new RangeError(`fromSeq must be an integer >= 0 (got ${String(options.fromSeq)})`);
    }
    if (!this.running) throw new SessionChannelsClosedError('Session channels are not running');
    // From the end: what the log holds now is skipped, as the broker's MAX offset does.
    const end = this.logs.get(sessionId)?.length ?? 0;
    const subscriber: Subscriber = {
      sessionId,
      listener,
      options,
      nextSeq: options.fromEnd ? Math.max(fromSeq, end) : fromSeq,
    };
    this.subscribers.add(subscriber);
    queueMicrotask(() => this.flush(sessionId));
    return {
      sessionId,
      // In memory nothing stalls, so there is nothing to recover.
      expectEvents: () => undefined,
      unsubscribe: async () => void this.subscribers.delete(subscriber),
    };
  }

  isRunning(): boolean {
    return this.running;
  }

  stats(): SessionChannelStats {
    return {
      sessions: new Set([...this.subscribers].map((s) => s.sessionId)).size,
      listeners: this.subscribers.size,
      stallRecoveries: 0,
      stallRepositions: 0,
    };
  }

  /** Test helper: the stored log of a session. */
  eventsOf(sessionId: string): readonly SessionEvent[] {
    return this.logs.get(sessionId) ?? [];
  }

  /** Test helper: end a session's subscriptions as if another node took it over. */
  revoke(sessionId: string, reason: RevocationReason = 'taken_over'): void {
    for (const subscriber of [...this.subscribers]) {
      if (subscriber.sessionId !== sessionId) continue;
      this.subscribers.delete(subscriber);
      subscriber.options.onRevoked?.(reason);
    }
  }

  /** Test helper: make isRunning() report false (e.g. a stopped consumer). */
  setRunning(running: boolean): void {
    this.running = running;
  }

  private flush(sessionId: string): void {
    const log = this.logs.get(sessionId) ?? [];
    for (const subscriber of this.subscribers) {
      if (subscriber.sessionId !== sessionId) continue;
      while (subscriber.nextSeq < log.length && this.subscribers.has(subscriber)) {
        const event = log[subscriber.nextSeq] as SessionEvent;
        subscriber.nextSeq += 1;
        try {
          subscriber.listener(event);
        } catch {
          // Like the real adapter: one failing listener does not stop delivery to the others.
        }
      }
    }
  }
}
