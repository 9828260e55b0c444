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
import { type OpenTurnEntry, SessionTranscript, type TranscriptStart } from './session-transcript';

/** A read of a session's log: the context it starts from and the live reader from there. */
export interface LogRead {
  context: SessionContext;
  follower: SessionLogFollower;
  /**
   * A takeover's read from the log's end (its marker must be written after it opens): the taken turn
   * runs by the transcript, so only the events right before the marker are read, from no lower than
   * `floor` (the turn's last marker), to see whether it ended meanwhile.
   */
  fromEnd?: { floor: number };
}

/** The longest pause before reading a log again after a read that skipped events (TurnLogFold.fold). */
const REREAD_MAX_PAUSE_MS = 4_000;

/**
 * Events before a takeover's marker read to find an ending of the taken turn. Its ending can only be
 * followed by markers of further deliveries (at most SCHEDULER_RETRIES + the gateways' few copies) and a
 * stale writer's last write or two, and a later turn's events make the read fall back to the whole turn.
 */
export const TAKEOVER_TAIL_EVENTS = 32;

/** The events before a takeover's marker belong to a turn the read cannot place: read the whole turn. */
class TakeoverTailInconclusive extends Error {
  override name = 'TakeoverTailInconclusive';
}

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
   * that cannot be read costs time, not correctness: the log is then read from seq 0. A takeover
   * (`takeoverOf`) reads the transcript in any case, since it says whether the turn runs (readFromEnd).
   */
  async open(sessionId: string, signal: AbortSignal, takeoverOf?: string): Promise<LogRead> {
    const began = Date.now();
    let context: SessionContext = this.contexts.take(sessionId);
    const known = this.contexts.knows(sessionId);
    const start =
      takeoverOf !== undefined || !known ? await this.readTranscript(sessionId, signal) : undefined;
    if (takeoverOf !== undefined) {
      const open = start?.open;
      const read =
        start && open?.turnId === takeoverOf
          ? await this.readFromEnd(sessionId, start.ledger, open)
          : undefined;
      this.logger.debug({
        msg: `Session ${sessionId}: takeover of ${takeoverOf}: transcript read and the log opened in ${Date.now() - began} ms (${read ? 'from its end' : 'the whole turn'})`,
        sessionId,
        turnId: takeoverOf,
      });
      if (read) return read;
    }
    if (!known && start) context = start;
    return { context, follower: await this.reader.follow(sessionId, context.nextSeq) };
  }

  /** The session's transcript, or undefined (logged) when it cannot be read. */
  private async readTranscript(sessionId: string, signal: AbortSignal): Promise<TranscriptStart | undefined> {
    return this.transcript.read(sessionId, signal).catch((error: unknown) => {
      if (signal.aborted) throw error;
      this.logger.warn({
        msg: `Session ${sessionId}: transcript unreadable (${toMessage(error)}); reading the log without it`,
        sessionId,
      });
      return undefined;
    });
  }

  /**
   * A takeover of the turn the transcript shows open, right after its ended turns: the read starts at
   * the log's end, so the turn's own events (every token of the attempt taken over) are not read again;
   * only the TAKEOVER_TAIL_EVENTS before the new marker are (foldRead).
   */
  private async readFromEnd(
    sessionId: string,
    ended: TurnLedger,
    { turnId, number, userText, markerSeq }: OpenTurnEntry,
  ): Promise<LogRead> {
    const ledger = TurnLedger.of([...ended.turns(), { turnId, number, userText, status: 'running' }]);
    const follower = await this.reader.follow(sessionId, markerSeq, true);
    return { context: { ledger, nextSeq: markerSeq }, follower, fromEnd: { floor: markerSeq } };
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
        if (error instanceof TakeoverTailInconclusive) {
          // Read the turn as for any takeover: from its marker, with the ledger of the turns before it.
          this.logger.log({
            msg: `Session ${sessionId}: ${error.message}; reading the whole turn`,
            sessionId,
            turnId,
          });
          const follower = await patiently(
            () => this.reader.follow(sessionId, read.context.nextSeq),
            stopReading,
            this.settings.brokerPatienceMs,
          );
          read = { context: read.context, follower };
          continue;
        }
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
    { context, follower: opened, fromEnd }: LogRead,
    turnId: string,
    attemptId: string,
    stopReading: AbortSignal,
    onMarker: () => void,
  ): Promise<{ ledger: TurnLedger; markerSeq: number }> {
    const isMarker = (event: SessionEvent) => event.data?.['attempt'] === attemptId;
    // A takeover's tail read may fall back to the whole turn: fold into a copy until it is conclusive.
    const ledger = fromEnd ? context.ledger.clone() : context.ledger;
    let follower = opened;
    try {
      const began = Date.now();
      let markerAt = await follower.until(isMarker, this.settings.historyTimeoutMs, 0, stopReading);
      if (fromEnd) {
        const sessionId = follower.sessionId;
        const markerMs = Date.now() - began;
        const endSeq = (follower.events[markerAt] as SessionEvent).seq;
        // Closed first: a second read of the session in this process would re-position the first one,
        // which the broker dispatched only after the stall recovery's resync (2 s in the bench).
        await follower.close();
        follower = await patiently(
          () => this.reader.follow(sessionId, Math.max(fromEnd.floor, endSeq - TAKEOVER_TAIL_EVENTS)),
          stopReading,
          this.settings.brokerPatienceMs,
        );
        markerAt = await follower.until(isMarker, this.settings.historyTimeoutMs, 0, stopReading);
        this.logger.debug({
          msg: `Session ${sessionId}: takeover of ${turnId} read its marker at the log's end in ${markerMs} ms, then ${markerAt} events before it in ${Date.now() - began - markerMs} ms`,
          sessionId,
          turnId,
        });
        assertTailOwnedBy(turnId, follower.events.slice(0, markerAt), ledger);
      }
      onMarker();
      follower.events.slice(0, markerAt).forEach((event) => ledger.observe(event));
      const markerSeq = (follower.events[markerAt] as SessionEvent).seq;
      this.contexts.keep(follower.sessionId, ledger, markerSeq);
      await this.waitForEarlierTurns(follower, ledger, turnId, markerAt, stopReading);
      return { ledger, markerSeq };
    } finally {
      // Not waited for: the turn need not wait for the broker to forget a reader.
      const reader = follower;
      void reader.close().catch((error: unknown) =>
        this.logger.warn({
          msg: `Closing the log read of ${reader.sessionId} failed: ${toMessage(error)}`,
          sessionId: reader.sessionId,
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

/**
 * The events right before a takeover's marker may belong to the taken turn and to turns the ledger has
 * ended; an event of any other turn (a later turn's marker, say) means the tail cannot be read alone.
 */
function assertTailOwnedBy(turnId: string, tail: readonly SessionEvent[], ledger: TurnLedger): void {
  const stranger = tail.find((event) => {
    if (event.turnId === undefined || event.turnId === turnId) return false;
    const known = ledger.get(event.turnId);
    return known === undefined || known.status === 'running';
  });
  if (stranger) {
    throw new TakeoverTailInconclusive(
      `the events before the takeover's marker include turn ${stranger.turnId ?? '?'} (seq ${stranger.seq})`,
    );
  }
}
