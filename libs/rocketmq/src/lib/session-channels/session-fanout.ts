import type { Logger } from '@nestjs/common';
import { SessionEventDecodeError } from '../rocketmq.errors';
import type { SessionEvent } from '../session/session-event';
import { toMessage, toStack } from '../util/describe-error';
import type { RevocationReason, SessionListener, SubscribeOptions } from './session-channels';

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
  /** Whether a quiet spell should still trigger one stall recovery (see RocketMQSessionChannels). */
  private recoveryArmed = true;
  private lastRecoveryAt = 0;

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
    this.recoveryArmed = true;
  }

  /**
   * True once per quiet spell: nothing arrived for `quietMs` since the last delivery or (re)positioning.
   * While a listener still waits for events its subscriber knows exist (`SubscribeOptions.knownSeq`),
   * true again every `quietMs`: those events are stuck, not absent.
   */
  takeStall(now: number, quietMs: number): boolean {
    if (now - this.lastActivityAt < quietMs) return false;
    const overdue = this.next <= this.knownSeq() && now - this.lastRecoveryAt >= quietMs;
    if (!this.recoveryArmed && !overdue) return false;
    this.recoveryArmed = false;
    this.lastRecoveryAt = now;
    return true;
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
    this.recoveryArmed = true;
    let decoded: SessionEvent | SessionEventDecodeError | undefined;
    for (const entry of this.entries) {
      if (seq < entry.nextSeq) continue;
      if (seq > entry.nextSeq) {
        if (this.onSkip(entry.nextSeq, seq) === 'rewind') continue;
        this.logger.warn(`Session ${this.sessionId}: expected seq ${entry.nextSeq}, got ${seq}`);
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
      this.logger.error(`Session ${this.sessionId}: ${typed.message}`);
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
