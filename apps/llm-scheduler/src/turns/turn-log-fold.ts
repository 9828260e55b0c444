import { setTimeout as pause } from 'node:timers/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { TurnLedger } from '@litesession/chat-protocol';
import { toMessage } from '@litesession/edge';
import type { SessionEvent } from '@litesession/rocketmq';
import { TURN_SETTINGS, type TurnSettings } from '../config/scheduler.tokens';
import { SchedulerMetrics } from '../metrics/scheduler-metrics';
import { BROKER_RETRY_MS, patiently } from './broker-patience';
import { type SessionContext, SessionContexts } from './session-contexts';
import { SessionLogGapError, type SessionLogFollower, SessionLogReader } from './session-log-reader';
import { SessionTranscript } from './session-transcript';

/** A read of a session's log: the context it starts from and the live reader from there. */
export interface LogRead {
  context: SessionContext;
  follower: SessionLogFollower;
}

/** The longest pause before reading a log again after a read that skipped events (TurnLogFold.fold). */
const REREAD_MAX_PAUSE_MS = 4_000;

/**
 * What a turn knows before the model is asked: the session's log folded up to the turn's marker, from
 * where this scheduler's last read stopped (SessionContexts) or from the session's transcript, with the
 * turns opened before it waited for.
 */
@Injectable()
export class TurnLogFold {
  private readonly logger = new Logger(TurnLogFold.name);

  constructor(
    private readonly reader: SessionLogReader,
    private readonly contexts: SessionContexts,
    private readonly transcript: SessionTranscript,
    @Inject(TURN_SETTINGS) private readonly settings: TurnSettings,
    private readonly metrics: SchedulerMetrics,
  ) {}

  /**
   * The read of the log for a turn: from where this scheduler's last read of the session stopped
   * (SessionContexts), or, for a session it has not read, from the transcript's last turn. A transcript
   * that cannot be read costs time, not correctness: the log is then read from seq 0.
   */
  async open(sessionId: string, signal: AbortSignal): Promise<LogRead> {
    let context: SessionContext = this.contexts.take(sessionId);
    if (!this.contexts.knows(sessionId)) {
      context = await this.transcript.read(sessionId, signal).catch((error: unknown) => {
        if (signal.aborted) throw error;
        this.logger.warn({
          msg: `Session ${sessionId}: transcript unreadable (${toMessage(error)}); reading the whole log`,
          sessionId,
        });
        return context;
      });
    }
    return { context, follower: await this.reader.follow(sessionId, context.nextSeq) };
  }

  /**
   * Folds the log up to this run's marker and waits for the turns opened before it to end. A read that
   * skipped events (SessionLogGapError) is void: the log is read again from seq 0, after a pause that
   * grows, until `historyTimeoutMs` is spent. The marker is in the log already, so no new one is written.
   */
  async fold(
    sessionId: string,
    turnId: string,
    attemptId: string,
    first: LogRead,
    stopReading: AbortSignal,
    onMarker: () => void,
  ): Promise<{ ledger: TurnLedger; markerSeq: number }> {
    const deadline = Date.now() + this.settings.historyTimeoutMs;
    let marked = false;
    const markOnce = () => {
      if (!marked) onMarker();
      marked = true;
    };
    let read = first;
    for (let rereads = 0; ; rereads += 1) {
      try {
        return await this.foldRead(read, turnId, attemptId, stopReading, markOnce);
      } catch (error) {
        if (!(error instanceof SessionLogGapError) || Date.now() >= deadline) throw error;
        this.metrics.logRereads.inc();
        this.logger.warn(`${error.message}; reading the log again from seq 0`);
        const pauseMs = Math.min(REREAD_MAX_PAUSE_MS, BROKER_RETRY_MS * 2 ** rereads);
        // An abort ends the pause with the signal's reason (LeaseLostError, TurnAbandonedError).
        await pause(pauseMs, undefined, { signal: stopReading }).catch(() => stopReading.throwIfAborted());
        const follower = await patiently(
          () => this.reader.follow(sessionId, 0),
          stopReading,
          this.settings.brokerPatienceMs,
        );
        read = { context: { ledger: new TurnLedger(), nextSeq: 0 }, follower };
      }
    }
  }

  /** One read: up to the marker (kept in SessionContexts), then the earlier turns' endings. Closes it. */
  private async foldRead(
    { context, follower }: LogRead,
    turnId: string,
    attemptId: string,
    stopReading: AbortSignal,
    onMarker: () => void,
  ): Promise<{ ledger: TurnLedger; markerSeq: number }> {
    const ledger = context.ledger;
    try {
      const markerAt = await follower.until(
        (event) => event.data?.['attempt'] === attemptId,
        this.settings.historyTimeoutMs,
        0,
        stopReading,
      );
      onMarker();
      follower.events.slice(0, markerAt).forEach((event) => ledger.observe(event));
      const markerSeq = (follower.events[markerAt] as SessionEvent).seq;
      this.contexts.keep(follower.sessionId, ledger, markerSeq);
      await this.waitForEarlierTurns(follower, ledger, turnId, markerAt, stopReading);
      return { ledger, markerSeq };
    } finally {
      // Not waited for: the turn need not wait for the broker to forget a reader.
      void follower.close().catch((error: unknown) =>
        this.logger.warn({
          msg: `Closing the log read of ${follower.sessionId} failed: ${toMessage(error)}`,
          sessionId: follower.sessionId,
        }),
      );
    }
  }

  /**
   * Requests are consumed concurrently (a FIFO group would let one long turn hold up every session that
   * hashes to its queue), so a session's next request can arrive while its previous turn still runs; it
   * waits here, reading on, until every turn open before its marker has ended. Then the model sees those
   * replies, and the session's turns still run one after another.
   */
  private async waitForEarlierTurns(
    follower: SessionLogFollower,
    ledger: TurnLedger,
    turnId: string,
    markerAt: number,
    stopReading: AbortSignal,
  ): Promise<void> {
    // Only turns opened before this one: a takeover of an older turn must not wait for a newer turn that
    // is itself waiting for it (seen in the long drill: both waited until their leases ran out, for good).
    const number = ledger.get(turnId)?.number ?? Number.POSITIVE_INFINITY;
    const open = ledger.turns().filter((turn) => turn.number < number && turn.status === 'running');
    if (open.length === 0) return;
    this.logger.log({
      msg: `Session ${follower.sessionId}: turn ${turnId} waits for ${open.length} earlier turn(s)`,
      sessionId: follower.sessionId,
      turnId,
    });
    const stillOpen = () => open.some((turn) => ledger.get(turn.turnId)?.status === 'running');
    await follower.until(
      (event) => {
        // Only the earlier turns' events: this turn's own (from an earlier attempt) are before the marker.
        if (event.turnId !== turnId) ledger.observe(event);
        return !stillOpen();
      },
      this.settings.turnTimeoutMs,
      markerAt + 1,
      stopReading,
    );
  }
}
