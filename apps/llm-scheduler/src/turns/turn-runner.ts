import { randomUUID } from 'node:crypto';
import { setTimeout as pause } from 'node:timers/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  type ChatSendRequest,
  type LedgerEvent,
  TurnLedger,
  type TurnRecord,
  TurnEvent,
} from '@litesession/chat-protocol';
import { toMessage } from '@litesession/edge';
import {
  type SessionEvent,
  type SessionEventInput,
  SessionChannelError,
  SessionChannels,
} from '@litesession/rocketmq';
import { LeaseLostError, type RequestLease, UNLEASED } from '@litesession/rocketmq/transport';
import { TURN_SETTINGS, type TurnSettings } from '../config/scheduler.tokens';
import { type ChatMessage, LlmProvider } from '../llm/llm-provider';
import { SchedulerMetrics } from '../metrics/scheduler-metrics';
import { CancelWatch, type CancelWatching } from './cancel-watch';
import { type SessionContext, SessionContexts } from './session-contexts';
import { SessionLogGapError, type SessionLogFollower, SessionLogReader } from './session-log-reader';
import { SessionTranscript } from './session-transcript';
import { TokenCoalescer } from './token-coalescer';
import { TurnSlots } from './turn-slots';

export type TurnOutcome = 'completed' | 'failed' | 'cancelled' | 'duplicate';

/** Thrown when the process stopped a turn for shutdown: nothing more is written, the broker redelivers it. */
export class TurnAbandonedError extends Error {
  override name = 'TurnAbandonedError';
}

type TurnWrite = Omit<SessionEventInput, 'turnId'>;

/** A read of a session's log: the context it starts from and the live reader from there. */
interface LogRead {
  context: SessionContext;
  follower: SessionLogFollower;
}

/** Pause between two tries of a broker call the broker refused (TurnRunner.patiently). */
const BROKER_RETRY_MS = 500;
/** The longest pause before reading a log again after a read that skipped events (TurnRunner.foldLog). */
const REREAD_MAX_PAUSE_MS = 4_000;

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
  private readonly active = new Set<AbortController>();
  private abandoning = false;
  private draining = false;
  /** Aborted at shutdown: runs still reading the log stop waiting and hand their requests back. */
  private readonly shutdown = new AbortController();

  constructor(
    private readonly channels: SessionChannels,
    private readonly reader: SessionLogReader,
    private readonly contexts: SessionContexts,
    private readonly transcript: SessionTranscript,
    private readonly cancels: CancelWatch,
    private readonly llm: LlmProvider,
    private readonly slots: TurnSlots,
    @Inject(TURN_SETTINGS) private readonly settings: TurnSettings,
    private readonly metrics: SchedulerMetrics,
  ) {}

  get running(): number {
    return this.active.size;
  }

  /** Shutdown's grace period: turns still waiting for a slot do not start; their requests are handed back. */
  drain(): void {
    this.draining = true;
  }

  /** Shutdown: every running turn stops writing at once; their requests stay unacknowledged. */
  abandonAll(): void {
    this.abandoning = true;
    this.shutdown.abort(new TurnAbandonedError('The scheduler is shutting down; the turn is handed over'));
    for (const controller of this.active) controller.abort('abandoned');
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
    const watching = this.patiently(
      () => this.cancels.watch(sessionId, turnId, () => cancelled.abort()),
      stopReading,
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
      const { context, follower } = await this.readingWhile(
        () => this.openLog(sessionId, stopReading),
        () => write({ type: TurnEvent.UserMessage, text: request.text, data: marker }),
        stopReading,
      );
      const { ledger, markerSeq: seq } = await this.foldLog(
        sessionId,
        turnId,
        attemptId,
        { context, follower },
        stopReading,
        stopRead,
      );
      markerSeq = seq;
      const earlier = ledger.get(turnId);

      if (earlier && earlier.status !== 'running') {
        // The turn has ended in the log: a client's retry, a gateway's copy, or a redelivery after its
        // scheduler died (or the broker restarted) before the acknowledgement. Nothing more to write.
        this.logger.log(`Session ${sessionId}: turn ${turnId} already ${earlier.status}; not run again`);
        return attempt === 1 ? 'duplicate' : earlier.status;
      }
      if (earlier && attempt === 1 && !this.wentSilent(request, earlier)) {
        // The same request again while its turn runs (a client's retry, or a gateway's copy that crossed the
        // original): the original is leased by the scheduler running it, and delivered again should that
        // one die; this one must not take over.
        this.logger.log(`Session ${sessionId}: turn ${turnId} is running; the repeated request is not run`);
        return 'duplicate';
      }
      // Only the model's work holds a slot; a lost lease or a shutdown ends the wait for one.
      return await this.slots.run(async () => {
        if (this.draining) throw new TurnAbandonedError(`Turn ${turnId}: this scheduler is shutting down`);
        // A takeover (a redelivery, or a gateway's copy after the writer went silent) fences off the
        // earlier attempt's events with turn.restarted; a turn the log does not show yet starts as usual.
        await write({
          type: earlier ? TurnEvent.TurnRestarted : TurnEvent.TurnStarted,
          data: { node: this.settings.nodeId },
        });
        if (earlier || attempt > 1) this.metrics.takeovers.inc();
        ledger.observe({ type: TurnEvent.UserMessage, turnId, text: request.text });
        generating = true;
        const conversation = conversationFor(ledger.turns(), turnId);
        const outcome = await this.generate(request, conversation, write, received, {
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
   * The broker calls before the model is asked (the marker, the log read), tried again for up to
   * `brokerPatienceMs` while the broker refuses them: in a broker restart's first seconds the proxy still
   * answers "group not found" or "TopicMessageType validate failed" (docs/rocketmq.md). Failing at once
   * would spend a delivery attempt, and the group's retries follow within milliseconds (the client reads
   * the policy's backoff as milliseconds), so a burst of them would reach the last attempt.
   */
  private async patiently<T>(call: () => Promise<T>, signal: AbortSignal): Promise<T> {
    const deadline = Date.now() + this.settings.brokerPatienceMs;
    for (;;) {
      try {
        return await call();
      } catch (error) {
        if (!(error instanceof SessionChannelError) || Date.now() >= deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, BROKER_RETRY_MS));
        signal.throwIfAborted();
      }
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
   * The read of the log for a turn: from where this scheduler's last read of the session stopped
   * (SessionContexts), or, for a session it has not read, from the transcript's last turn. A transcript
   * that cannot be read costs time, not correctness: the log is then read from seq 0.
   */
  private async openLog(sessionId: string, signal: AbortSignal): Promise<LogRead> {
    let context: SessionContext = this.contexts.take(sessionId);
    if (!this.contexts.knows(sessionId)) {
      context = await this.transcript.read(sessionId, signal).catch((error: unknown) => {
        if (signal.aborted) throw error;
        this.logger.warn(
          `Session ${sessionId}: transcript unreadable (${toMessage(error)}); reading the whole log`,
        );
        return context;
      });
    }
    return { context, follower: await this.reader.follow(sessionId, context.nextSeq) };
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
    await this.transcript
      .record(request.sessionId, { turn, markerSeq })
      .catch((error: unknown) =>
        this.logger.warn(
          `Session ${request.sessionId}: transcript entry of ${turn.turnId} not written: ${toMessage(error)}`,
        ),
      );
  }

  /**
   * Opens the log read and writes the marker at once. Both are tried again while the broker refuses
   * them (`patiently`); if either fails for good, a read already open is closed.
   */
  private async readingWhile<T extends { follower: SessionLogFollower }>(
    open: () => Promise<T>,
    writeMarker: () => Promise<void>,
    signal: AbortSignal,
  ): Promise<T> {
    const [opened, written] = await Promise.allSettled([
      this.patiently(open, signal),
      this.patiently(writeMarker, signal),
    ]);
    if (written.status === 'rejected') {
      if (opened.status === 'fulfilled') void opened.value.follower.close().catch(() => undefined);
      throw written.reason;
    }
    if (opened.status === 'rejected') throw opened.reason;
    return opened.value;
  }

  /**
   * Folds the log up to this run's marker and waits for the turns opened before it to end. A read that
   * skipped events (SessionLogGapError) is void: the log is read again from seq 0, after a pause that
   * grows, until `historyTimeoutMs` is spent. The marker is in the log already, so no new one is written.
   */
  private async foldLog(
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
        const follower = await this.patiently(() => this.reader.follow(sessionId, 0), stopReading);
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
      void follower
        .close()
        .catch((error: unknown) =>
          this.logger.warn(`Closing the log read of ${follower.sessionId} failed: ${toMessage(error)}`),
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
    this.logger.log(`Session ${follower.sessionId}: turn ${turnId} waits for ${open.length} earlier turn(s)`);
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

  private async generate(
    request: ChatSendRequest,
    conversation: ChatMessage[],
    write: (event: TurnWrite) => Promise<void>,
    received: number,
    signals: { lease: AbortSignal; watching: Promise<CancelWatching>; cancelled: AbortSignal },
  ): Promise<TurnOutcome> {
    const { sessionId, turnId } = request;
    const leaseSignal = signals.lease;
    const controller = new AbortController();
    const onLeaseLost = () => controller.abort('lease_lost');
    const onCancel = () => controller.abort('cancelled');
    leaseSignal.addEventListener('abort', onLeaseLost, { once: true });
    signals.cancelled.addEventListener('abort', onCancel, { once: true });
    this.active.add(controller);
    this.metrics.turnsRunning.inc();
    const timer = setTimeout(() => controller.abort('timeout'), this.settings.turnTimeoutMs);
    // A token event's `ts` is when the model yielded its first token (docs/protocol.md), so token latency
    // counts the time tokens wait to be written.
    const coalescer = new TokenCoalescer(this.settings.coalesceMs, async ({ text, firstTokenAt }) => {
      await write({ type: TurnEvent.Token, text, ts: firstTokenAt });
      this.metrics.tokenEvents.inc();
    });
    let reply = '';
    let modelError: unknown;
    try {
      const watch = await signals.watching;
      if (signals.cancelled.aborted) onCancel();
      try {
        for await (const token of this.llm.stream(conversation, controller.signal)) {
          if (controller.signal.aborted || coalescer.failed) break;
          if (reply === '') this.metrics.firstTokenSeconds.observe((Date.now() - received) / 1000);
          reply += token;
          this.metrics.tokens.inc();
          coalescer.push(token);
        }
      } catch (error) {
        if (!controller.signal.aborted) modelError = error;
      } finally {
        await watch.stop().catch(() => undefined);
      }
      if (controller.signal.reason === 'abandoned')
        throw new TurnAbandonedError(`Turn ${turnId} handed over`);
      if (controller.signal.reason === 'lease_lost')
        throw new LeaseLostError(`Turn ${turnId}: the request's lease was lost; another scheduler has it`);
      await coalescer.close(); // a failed token write throws here: the request is retried (turn.restarted)
      if (controller.signal.reason === 'cancelled') {
        await write({ type: TurnEvent.TurnCancelled, text: reply });
        return 'cancelled';
      }
      if (controller.signal.reason === 'timeout' || modelError !== undefined) {
        const code = modelError === undefined ? 'timeout' : 'model_error';
        const message =
          modelError === undefined
            ? `The model did not finish within ${this.settings.turnTimeoutMs} ms`
            : `The model failed: ${modelError instanceof Error ? modelError.message : String(modelError)}`;
        this.logger.warn(`Session ${sessionId}, turn ${turnId}: ${message}`);
        await write({ type: TurnEvent.TurnFailed, text: message, data: { code } });
        return 'failed';
      }
      await write({ type: TurnEvent.TurnCompleted, text: reply });
      return 'completed';
    } finally {
      clearTimeout(timer);
      leaseSignal.removeEventListener('abort', onLeaseLost);
      signals.cancelled.removeEventListener('abort', onCancel);
      this.active.delete(controller);
      this.metrics.turnsRunning.dec();
    }
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
