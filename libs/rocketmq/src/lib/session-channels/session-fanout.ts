import type { Logger } from '@nestjs/common';
import { SessionEventDecodeError } from '../rocketmq.errors';
import type { SessionEvent } from '../session/session-event';
import { toMessage, toStack } from '@litesession/edge';
import type { RevocationReason, SessionListener, SubscribeOptions } from './session-channels';

/** Resyncs per quiet spell of a session (SessionFanout.takeStall). */
const QUIET_SPELL_RESYNCS = 4;
/** Remedies for owed events are spaced quietMs × 1, 2, 4, 8, then 8 again (SessionFanout.takeStall). */
const MAX_OWED_BACKOFF_STEPS = 3;
/** How long events announced by `expectEvents()` are owed when none arrive (the request may have been lost). */
export const EXPECTATION_TTL_MS = 60_000;

/**
 * How to unstick a session (see RocketMQSessionChannels.recoverStalls): `resync` re-sends the whole
 * subscription set (brings back subscriptions the broker lost); `reposition` unsubscribes and subscribes
 * the session at its cursor (makes the broker dispatch it again, which a resync does not do for a
 * subscription it still holds).
 */
export type StallRemedy = 'resync' | 'reposition';

/**
 * What to do when the broker skips past a listener's next seq: `rewind` drops the message for that
 * listener (the owner re-positions the session, so the skipped events come again); `accept` delivers it and
 * reports the gap.
 */
export type GapPolicy = (expectedSeq: number, receivedSeq: number) => 'rewind' | 'accept';

export interface FanoutEntry {
  readonly listener: SessionListener;
  readonly options: SubscribeOptions;
  /** The next `seq` this listener needs; anything lower is a repeat for it. */
  nextSeq: number;
  /** Subscribed at the log's end: the first delivery at or after `nextSeq` is its start, not a gap. */
  startsAtFirst?: boolean;
}

/**
 * One session's listeners in this process. The broker delivers the session's messages in order, possibly
 * again after a re-position or a redelivery; each listener gets every `seq` from its own start exactly once.
 */
export class SessionFanout {
  private readonly entries = new Set<FanoutEntry>();
  /** The `seq` the broker is expected to deliver next for this process. */
  private next: number;
  private lastActivityAt = Date.now();
  /** Resyncs asked for in the current quiet spell (QUIET_SPELL_RESYNCS at most). */
  private spellResyncs = 0;
  private lastRecoveryAt = 0;
  /** Remedies taken since events became owed and none arrived (reset by a delivery). */
  private owedRemedies = 0;
  /** When `expectEvents()` was last called, and until when those events are owed. */
  private expectedAt = 0;
  private expectedUntil = 0;

  constructor(
    readonly sessionId: string,
    startSeq: number,
    private readonly logger: Logger,
    private readonly onSkip: GapPolicy = () => 'accept',
  ) {
    this.next = startSeq;
  }

  /** The `seq` the broker is expected to deliver next. */
  get cursor(): number {
    return this.next;
  }

  get size(): number {
    return this.entries.size;
  }

  add(entry: FanoutEntry): void {
    this.entries.add(entry);
  }

  /** False when the entry was not here (already removed or revoked). */
  remove(entry: FanoutEntry): boolean {
    return this.entries.delete(entry);
  }

  /** The lowest seq any listener still needs. */
  lowestNeeded(): number {
    let lowest = Number.POSITIVE_INFINITY;
    for (const entry of this.entries) lowest = Math.min(lowest, entry.nextSeq);
    return Number.isFinite(lowest) ? lowest : this.next;
  }

  /** A listener starting at `fromSeq` needs the broker to go back: those events were already passed. */
  needsRewind(fromSeq: number): boolean {
    return fromSeq < this.next;
  }

  /** The subscription was (re)positioned at `seq`: a new quiet spell starts. */
  positionedAt(seq: number, now = Date.now()): void {
    this.next = seq;
    this.lastActivityAt = now;
    this.spellResyncs = 0;
  }

  /**
   * A subscriber said events are on their way (e.g. it queued a request whose turn writes to this log):
   * until one arrives, or for EXPECTATION_TTL_MS, they are owed as if `knownSeq` said so.
   */
  expectEvents(now = Date.now()): void {
    if (now >= this.expectedUntil) this.owedRemedies = 0;
    this.expectedAt = now;
    this.expectedUntil = now + EXPECTATION_TTL_MS;
  }

  /**
   * The remedy due now, if any.
   * - Events are owed (a listener's `knownSeq` is ahead of the cursor, or `expectEvents()` was called)
   *   and nothing arrived for `quietMs`: a resync, then re-positions `quietMs` × 2, 4, 8, 8, ... apart
   *   until an event arrives. A resync alone does not help a subscription the broker still holds: its
   *   full sync dispatches only topics it did not have (5.5.0 `LiteSubscriptionRegistryImpl`); a
   *   re-position does. Seen after a broker restart: a new session's log held a whole turn and its
   *   gateway got none of it for 60 s of resyncs.
   * - Otherwise, a quiet spell (nothing arrived for `quietMs` since the last delivery or (re)positioning):
   *   a resync after `quietMs`, then `2 ×`, `4 ×`, `8 ×` that apart, QUIET_SPELL_RESYNCS in all (a fresh
   *   reader of a 1,000-event log stopped at seq 819 for 60 s in CI); an idle session costs those few.
   */
  takeStall(now: number, quietMs: number): StallRemedy | undefined {
    const sinceLast = now - this.lastRecoveryAt;
    if (this.next <= this.knownSeq() || now < this.expectedUntil) {
      if (now - Math.max(this.lastActivityAt, this.expectedAt) < quietMs) return undefined;
      const spacing = quietMs * 2 ** Math.min(this.owedRemedies, MAX_OWED_BACKOFF_STEPS);
      if (this.owedRemedies > 0 && sinceLast < spacing) return undefined;
      this.owedRemedies += 1;
      this.lastRecoveryAt = now;
      return this.owedRemedies === 1 ? 'resync' : 'reposition';
    }
    if (now - this.lastActivityAt < quietMs || this.spellResyncs >= QUIET_SPELL_RESYNCS) return undefined;
    if (this.spellResyncs > 0 && sinceLast < quietMs * 2 ** this.spellResyncs) return undefined;
    this.spellResyncs += 1;
    this.lastRecoveryAt = now;
    return 'resync';
  }

  /** The highest seq a listener's subscriber said the log already holds (-1: none said). */
  private knownSeq(): number {
    let known = -1;
    for (const entry of this.entries) known = Math.max(known, entry.options.knownSeq ?? -1);
    return known;
  }

  /** Hands one stored message to every listener that still needs it. Never throws. */
  deliver(seq: number, messageId: string, decode: () => SessionEvent): void {
    this.next = Math.max(this.next, seq + 1);
    this.lastActivityAt = Date.now();
    this.spellResyncs = 0;
    this.owedRemedies = 0;
    this.expectedUntil = 0;
    let decoded: SessionEvent | SessionEventDecodeError | undefined;
    for (const entry of this.entries) {
      // A start at the log's end: its first delivery past nextSeq says where the end was.
      const start = entry.startsAtFirst === true && seq >= entry.nextSeq;
      entry.startsAtFirst = false;
      if (seq < entry.nextSeq) continue;
      if (seq > entry.nextSeq && !start) {
        if (this.onSkip(entry.nextSeq, seq) === 'rewind') continue;
        this.logger.warn({
          msg: `Session ${this.sessionId}: expected seq ${entry.nextSeq}, got ${seq}`,
          sessionId: this.sessionId,
        });
        this.guard(() => entry.options.onGap?.(entry.nextSeq, seq));
      }
      entry.nextSeq = seq + 1;
      decoded ??= this.tryDecode(messageId, decode);
      const event = decoded;
      if (event instanceof SessionEventDecodeError) {
        this.guard(() => entry.options.onUndecodable?.(seq, event));
      } else {
        this.guard(() => entry.listener(event));
      }
    }
  }

  /** Ends every listener's subscription with `reason`. */
  revokeAll(reason: RevocationReason): void {
    const entries = [...this.entries];
    this.entries.clear();
    for (const entry of entries) this.guard(() => entry.options.onRevoked?.(reason));
  }

  private tryDecode(messageId: string, decode: () => SessionEvent): SessionEvent | SessionEventDecodeError {
    try {
      return decode();
    } catch (error) {
      const typed =
        error instanceof SessionEventDecodeError
          ? error
          : new SessionEventDecodeError('malformed', messageId, toMessage(error));
      this.logger.error({ msg: `Session ${this.sessionId}: ${typed.message}`, sessionId: this.sessionId });
      return typed;
    }
  }

  private guard(callback: () => void): void {
    try {
      callback();
    } catch (error) {
      this.logger.error(`Session ${this.sessionId}: a listener threw`, toStack(error));
    }
  }
}
