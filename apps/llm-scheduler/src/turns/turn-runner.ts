import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  type ChatSendRequest,
  type LedgerEvent,
  type TurnRecord,
  TurnEvent,
} from '@litesession/chat-protocol';
import { toMessage } from '@litesession/edge';
import { SessionChannels } from '@litesession/rocketmq';
import { LeaseLostError, type RequestLease, UNLEASED } from '@litesession/rocketmq/transport';
import { TURN_SETTINGS, type TurnSettings } from '../config/scheduler.tokens';
import type { ChatMessage } from '../llm/llm-provider';
import { SchedulerMetrics } from '../metrics/scheduler-metrics';
import { patiently } from './broker-patience';
import { CancelWatch } from './cancel-watch';
import type { SessionLogFollower } from './session-log-reader';
import { SessionTranscript } from './session-transcript';
import { TurnGeneration, type TurnWrite } from './turn-generation';
import { TurnLogFold } from './turn-log-fold';
import { TurnAbandonedError, type TurnOutcome } from './turn-outcome';
import { TurnSlots } from './turn-slots';

/**
 * Runs one `chat.send` request as a turn, writing its events into the session's log.
 *
 * The log is the truth. Before a turn the runner appends a marker (the turn's `user.message`) and reads
 * the log up to it: with the turns this scheduler read before (SessionContexts) or the session's
 * transcript (SessionTranscript), that is the whole conversation, and it tells whether this turn already
 * ran (a repeated request, or a takeover after a crash).
 */
@Injectable()
export class TurnRunner {
  private readonly logger = new Logger(TurnRunner.name);
  private abandoning = false;
  private draining = false;
  /** Aborted at shutdown: runs still reading the log stop waiting and hand their requests back. */
  private readonly shutdown = new AbortController();

  constructor(
    private readonly channels: SessionChannels,
    private readonly fold: TurnLogFold,
    private readonly transcript: SessionTranscript,
    private readonly cancels: CancelWatch,
    private readonly generation: TurnGeneration,
    private readonly slots: TurnSlots,
    @Inject(TURN_SETTINGS) private readonly settings: TurnSettings,
    private readonly metrics: SchedulerMetrics,
  ) {}

  get running(): number {
    return this.generation.running;
  }

  /** Shutdown's grace period: turns still waiting for a slot do not start; their requests are handed back. */
  drain(): void {
    this.draining = true;
  }

  /** Shutdown: every running turn stops writing at once; their requests stay unacknowledged. */
  abandonAll(): void {
    this.abandoning = true;
    this.shutdown.abort(new TurnAbandonedError('The scheduler is shutting down; the turn is handed over'));
    this.generation.abandonAll();
  }

  /**
   * `lease` is the scheduler's hold on the request: once it is lost another scheduler may be running the
   * turn, so this run writes nothing more and throws LeaseLostError.
   */
  async run(request: ChatSendRequest, attempt: number, lease: RequestLease = UNLEASED): Promise<TurnOutcome> {
    const { sessionId, turnId } = request;
    // This run's attempt at the turn: every event it writes carries it, so that readers can drop what it
    // writes once another attempt has taken the turn over (AttemptFence, docs/protocol.md "Restarts").
    const attemptId = randomUUID();
    let ending: LedgerEvent | undefined;
    const write = async (event: TurnWrite): Promise<void> => {
      if (this.abandoning) throw new TurnAbandonedError(`Turn ${turnId} handed over at shutdown`);
      if (lease.signal.aborted) throw new LeaseLostError(`Turn ${turnId}: the request's lease was lost`);
      const stored = { ...event, turnId, data: { ...event.data, attempt: attemptId } };
      await this.channels.publish(sessionId, stored);
      if (statusOf(event.type)) ending = stored;
    };
    const received = Date.now();
    const marker = { node: this.settings.nodeId, delivery: attempt };
    // A lost lease or a shutdown ends the read at once (with LeaseLostError or TurnAbandonedError).
    const stopReading = AbortSignal.any([lease.signal, this.shutdown.signal]);
    // The control channel's watch opens now, beside the log read, so that it is ready when the model
    // starts; it reads from seq 0, so a cancel written meanwhile still counts.
    // Tried again while the broker refuses it, like the marker and the read: right after a broker restart
    // its first subscribe is refused (40003), and failing the run would cost a delivery attempt and a
    // retry's backoff (seen in the long drill: a new session's first token 17-18 s after a restart).
    const cancelled = new AbortController();
    const watching = patiently(
      () => this.cancels.watch(sessionId, turnId, () => cancelled.abort()),
      stopReading,
      this.settings.brokerPatienceMs,
    );
    watching.catch(() => undefined); // generate() awaits it: its failure fails this run there
    let generating = false;
    let markerSeq = 0;
    try {
      const stopRead = this.metrics.historyReadSeconds.startTimer();
      // The marker is the user's message on every delivery: a repeated one opens nothing (TurnLedger), so
      // a redelivered request of a turn that has ended leaves it ended (a turn.restarted would reopen it).
      // The read opens while the marker is written (it waits for the marker either way), and it starts
      // where this scheduler's last read of the session stopped (SessionContexts), not at seq 0.
      // A redelivery is a takeover: its read may start at the log's end (TurnLogFold.open), and then the
      // marker must be written only once the read is open.
      const takeover = attempt > 1;
      const read = await this.readingWhile(
        () => this.fold.open(sessionId, stopReading, takeover ? turnId : undefined),
        () => write({ type: TurnEvent.UserMessage, text: request.text, data: marker }),
        stopReading,
        takeover,
      );
      const { ledger, markerSeq: seq } = await this.fold.fold(
        sessionId,
        turnId,
        attemptId,
        read,
        stopReading,
        stopRead,
      );
      markerSeq = seq;
      const earlier = ledger.get(turnId);
      this.logger.debug({
        msg: `Session ${sessionId}: log read up to the marker of ${turnId} (seq ${seq}) ${Date.now() - received} ms after the request`,
        sessionId,
        turnId,
      });

      if (earlier && earlier.status !== 'running') {
        // The turn has ended in the log: a client's retry, a gateway's copy, or a redelivery after its
        // scheduler died (or the broker restarted) before the acknowledgement. Nothing more to write.
        this.logger.log({
          msg: `Session ${sessionId}: turn ${turnId} already ${earlier.status}; not run again`,
          sessionId,
          turnId,
        });
        return attempt === 1 ? 'duplicate' : earlier.status;
      }
      if (earlier && attempt === 1 && !this.wentSilent(request, earlier)) {
        // The same request again while its turn runs (a client's retry, or a gateway's copy that crossed the
        // original): the original is leased by the scheduler running it, and delivered again should that
        // one die; this one must not take over.
        this.logger.log({
          msg: `Session ${sessionId}: turn ${turnId} is running; the repeated request is not run`,
          sessionId,
          turnId,
        });
        return 'duplicate';
      }
      // Only the model's work holds a slot; a lost lease or a shutdown ends the wait for one.
      return await this.slots.run(async () => {
        if (this.draining) throw new TurnAbandonedError(`Turn ${turnId}: this scheduler is shutting down`);
        // A takeover (a redelivery, or a gateway's copy after the writer went silent) fences off the
        // earlier attempt's events with turn.restarted; a turn the log does not show yet starts as usual.
        await write({
          type: earlier ? TurnEvent.TurnRestarted : TurnEvent.TurnStarted,
          data: { node: this.settings.nodeId, model: this.generation.model },
        });
        if (earlier || attempt > 1) this.metrics.takeovers.inc();
        ledger.observe({ type: TurnEvent.UserMessage, turnId, text: request.text });
        this.recordOpen(request, ledger.get(turnId)?.number, markerSeq);
        generating = true;
        const conversation = conversationFor(ledger.turns(), turnId);
        const outcome = await this.generation.generate(request, conversation, write, received, {
          lease: lease.signal,
          watching,
          cancelled: cancelled.signal,
        });
        await this.record(request, ledger.get(turnId)?.number ?? ledger.turns().length, ending, markerSeq);
        return outcome;
      }, stopReading);
    } finally {
      if (!generating) void watching.then((watch) => watch.stop()).catch(() => undefined);
    }
  }

  /**
   * A gateway's copy (`resend`) of a request whose turn has written nothing for silentWriterMs, judged by
   * the turn's events before this run's marker but not by its repeated user.messages: those are other
   * deliveries' markers and say nothing of the writer (in the broker drill, markers of redeliveries that
   * then failed made a dead writer look alive to every copy). TurnLedger keeps that time.
   */
  private wentSilent(request: ChatSendRequest, earlier: TurnRecord): boolean {
    if (request.resend === undefined) return false;
    const lastWrittenAt = earlier.lastWrittenAt;
    return lastWrittenAt === undefined || Date.now() - lastWrittenAt > this.settings.silentWriterMs;
  }

  /**
   * Tells the session's transcript that the turn runs, with its marker: a scheduler taking it over then
   * reads from the log's end instead of every event the turn wrote. Not awaited: without it a takeover
   * reads the whole turn, which is slower, not wrong.
   */
  private recordOpen(request: ChatSendRequest, number: number | undefined, markerSeq: number): void {
    if (number === undefined) return;
    const { sessionId, turnId, text: userText } = request;
    this.transcript.recordOpen(sessionId, { turnId, number, userText, markerSeq }).catch((error: unknown) =>
      this.logger.warn({
        msg: `Session ${sessionId}: transcript entry "open" of ${turnId} not written: ${toMessage(error)}`,
        sessionId,
        turnId,
      }),
    );
  }

  /** Adds the turn's entry to the session's transcript; a failure is logged (a later reader folds the log). */
  private async record(
    request: ChatSendRequest,
    number: number,
    ending: LedgerEvent | undefined,
    markerSeq: number,
  ): Promise<void> {
    const status = ending && statusOf(ending.type);
    if (!ending || !status) return;
    const turn: TurnRecord = { turnId: request.turnId, number, userText: request.text, status };
    turn.ending = { type: ending.type };
    if (ending.text !== undefined) turn.ending.text = ending.text;
    if (ending.data !== undefined) turn.ending.data = ending.data;
    if (status === 'completed') turn.reply = ending.text ?? '';
    await this.transcript.record(request.sessionId, { turn, markerSeq }).catch((error: unknown) =>
      this.logger.warn({
        msg: `Session ${request.sessionId}: transcript entry of ${turn.turnId} not written: ${toMessage(error)}`,
        sessionId: request.sessionId,
        turnId: turn.turnId,
      }),
    );
  }

  /**
   * Opens the log read and writes the marker at once (`openFirst`: the marker only once the read is
   * open). Both are tried again while the broker refuses them (`patiently`); if either fails for good, a
   * read already open is closed.
   */
  private async readingWhile<T extends { follower: SessionLogFollower }>(
    open: () => Promise<T>,
    writeMarker: () => Promise<void>,
    signal: AbortSignal,
    openFirst = false,
  ): Promise<T> {
    if (openFirst) {
      const opened = await patiently(open, signal, this.settings.brokerPatienceMs);
      try {
        await patiently(writeMarker, signal, this.settings.brokerPatienceMs);
      } catch (error) {
        void opened.follower.close().catch(() => undefined);
        throw error;
      }
      return opened;
    }
    const [opened, written] = await Promise.allSettled([
      patiently(open, signal, this.settings.brokerPatienceMs),
      patiently(writeMarker, signal, this.settings.brokerPatienceMs),
    ]);
    if (written.status === 'rejected') {
      if (opened.status === 'fulfilled') void opened.value.follower.close().catch(() => undefined);
      throw written.reason;
    }
    if (opened.status === 'rejected') throw opened.reason;
    return opened.value;
  }
}

/** The model's input: every earlier turn (user text, and the reply if it completed), then this turn's text. */
export function conversationFor(turns: readonly TurnRecord[], turnId: string): ChatMessage[] {
  const messages: ChatMessage[] = [];
  for (const turn of turns) {
    messages.push({ role: 'user', content: turn.userText });
    if (turn.turnId === turnId) break;
    if (turn.reply !== undefined) messages.push({ role: 'assistant', content: turn.reply });
  }
  return messages;
}

function statusOf(type: string): TurnRecord['status'] | undefined {
  if (type === TurnEvent.TurnCompleted) return 'completed';
  if (type === TurnEvent.TurnFailed) return 'failed';
  if (type === TurnEvent.TurnCancelled) return 'cancelled';
  return undefined;
}
