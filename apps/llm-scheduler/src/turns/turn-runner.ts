import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { type ChatSendRequest, type TurnRecord, TurnEvent, TurnLedger } from '@litesession/chat-protocol';
import { type SessionEventInput, SessionChannels } from '@litesession/rocketmq';
import { TURN_SETTINGS, type TurnSettings } from '../config/scheduler.tokens';
import { type ChatMessage, LlmProvider } from '../llm/llm-provider';
import { SchedulerMetrics } from '../metrics/scheduler-metrics';
import { CancelWatch } from './cancel-watch';
import { type SessionLogFollower, SessionLogReader } from './session-log-reader';
import { TokenCoalescer } from './token-coalescer';

export type TurnOutcome = 'completed' | 'failed' | 'cancelled' | 'duplicate';

/** Thrown when the process stopped a turn for shutdown: nothing more is written, the broker redelivers it. */
export class TurnAbandonedError extends Error {
  override name = 'TurnAbandonedError';
}

type TurnWrite = Omit<SessionEventInput, 'turnId'>;

/**
 * Runs one `chat.send` request as a turn, writing its events into the session's log.
 *
 * The log is the only state. Before a turn the runner appends a marker (the `user.message`, or on a
 * redelivery a `turn.restarted`) and reads the log from seq 0 up to it: that is the whole conversation,
 * and it tells whether this turn already ran (a repeated request, or a takeover after a crash).
 */
@Injectable()
export class TurnRunner {
  private readonly logger = new Logger(TurnRunner.name);
  private readonly active = new Set<AbortController>();
  private abandoning = false;

  constructor(
    private readonly channels: SessionChannels,
    private readonly reader: SessionLogReader,
    private readonly cancels: CancelWatch,
    private readonly llm: LlmProvider,
    @Inject(TURN_SETTINGS) private readonly settings: TurnSettings,
    private readonly metrics: SchedulerMetrics,
  ) {}

  get running(): number {
    return this.active.size;
  }

  /** Shutdown: every running turn stops writing at once; their requests stay unacknowledged. */
  abandonAll(): void {
    this.abandoning = true;
    for (const controller of this.active) controller.abort('abandoned');
  }

  async run(request: ChatSendRequest, attempt: number): Promise<TurnOutcome> {
    const { sessionId, turnId } = request;
    const write = async (event: TurnWrite): Promise<void> => {
      if (this.abandoning) throw new TurnAbandonedError(`Turn ${turnId} handed over at shutdown`);
      await this.channels.publish(sessionId, { ...event, turnId });
    };
    const received = Date.now();
    const mark = randomUUID();
    const marker = { mark, node: this.settings.nodeId, attempt };
    await write(
      attempt === 1
        ? { type: TurnEvent.UserMessage, text: request.text, data: marker }
        : { type: TurnEvent.TurnRestarted, data: marker },
    );
    const stopRead = this.metrics.historyReadSeconds.startTimer();
    const follower = await this.reader.follow(sessionId);
    const ledger = new TurnLedger();
    try {
      const markerAt = await follower.until(
        (event) => event.data?.['mark'] === mark,
        this.settings.historyTimeoutMs,
      );
      stopRead();
      follower.events.slice(0, markerAt).forEach((event) => ledger.observe(event));
      await this.waitForEarlierTurns(follower, ledger, turnId, markerAt);
    } finally {
      await follower.close();
    }
    const earlier = ledger.get(turnId);

    if (earlier && earlier.status !== 'running') {
      if (attempt === 1) {
        // The same request again (a client retry that reached the scheduler): the turn is in the log.
        this.logger.log(`Session ${sessionId}: turn ${turnId} already ${earlier.status}; not run again`);
        return 'duplicate';
      }
      // Taken over after it had ended (its scheduler died before acknowledging): end it again after the
      // turn.restarted, so the log's last word on the turn stays true.
      if (earlier.ending) await write(earlier.ending);
      return earlier.status;
    }
    if (earlier && attempt === 1)
      await write({ type: TurnEvent.TurnRestarted, data: { node: this.settings.nodeId } });
    if (!earlier && attempt > 1) await write({ type: TurnEvent.UserMessage, text: request.text });
    if (!earlier) await write({ type: TurnEvent.TurnStarted, data: { node: this.settings.nodeId } });
    if (earlier || attempt > 1) this.metrics.takeovers.inc();
    ledger.observe({ type: TurnEvent.UserMessage, turnId, text: request.text });
    return this.generate(request, conversationFor(ledger.turns(), turnId), write, received);
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
  ): Promise<void> {
    const open = ledger.turns().filter((turn) => turn.turnId !== turnId && turn.status === 'running');
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
    );
  }

  private async generate(
    request: ChatSendRequest,
    conversation: ChatMessage[],
    write: (event: TurnWrite) => Promise<void>,
    received: number,
  ): Promise<TurnOutcome> {
    const { sessionId, turnId } = request;
    const controller = new AbortController();
    this.active.add(controller);
    this.metrics.turnsRunning.inc();
    const timer = setTimeout(() => controller.abort('timeout'), this.settings.turnTimeoutMs);
    const coalescer = new TokenCoalescer(this.settings.coalesceMs, async (text) => {
      await write({ type: TurnEvent.Token, text });
      this.metrics.tokenEvents.inc();
    });
    let reply = '';
    let modelError: unknown;
    try {
      const watch = await this.cancels.watch(sessionId, turnId, () => controller.abort('cancelled'));
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
