import { Inject, Injectable, Logger } from '@nestjs/common';
import { type ChatSendRequest, TurnEvent } from '@litesession/chat-protocol';
import type { SessionEventInput } from '@litesession/rocketmq';
import { LeaseLostError } from '@litesession/rocketmq/transport';
import { TURN_SETTINGS, type TurnSettings } from '../config/scheduler.tokens';
import { type ChatMessage, LlmProvider } from '../llm/llm-provider';
import { SchedulerMetrics } from '../metrics/scheduler-metrics';
import type { CancelWatching } from './cancel-watch';
import { TokenCoalescer } from './token-coalescer';
import { TurnAbandonedError, type TurnOutcome } from './turn-outcome';
import { toMessage } from '@litesession/edge';

/** An event of the running turn, as its runner writes it (the runner adds the turn id and its attempt). */
export type TurnWrite = Omit<SessionEventInput, 'turnId'>;

/**
 * The model's part of a turn: streams the reply into token events and ends the turn, or stops on a
 * cancel, a lost lease, a timeout or a shutdown.
 */
@Injectable()
export class TurnGeneration {
  private readonly logger = new Logger(TurnGeneration.name);
  private readonly active = new Set<AbortController>();

  /** The model that answers, as clients are told. */
  get model(): string {
    return this.llm.model;
  }

  constructor(
    private readonly llm: LlmProvider,
    @Inject(TURN_SETTINGS) private readonly settings: TurnSettings,
    private readonly metrics: SchedulerMetrics,
  ) {}

  /** Turns whose model runs now. */
  get running(): number {
    return this.active.size;
  }

  /** Shutdown: every running generation stops at once and throws TurnAbandonedError. */
  abandonAll(): void {
    for (const controller of this.active) controller.abort('abandoned');
  }

  async generate(
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
            : `The model failed: ${toMessage(modelError)}`;
        this.logger.warn({ msg: `Session ${sessionId}, turn ${turnId}: ${message}`, sessionId, turnId });
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
