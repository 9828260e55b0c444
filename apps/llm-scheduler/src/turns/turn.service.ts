import { type BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { type ChatSendRequest, TurnEvent } from '@litesession/chat-protocol';
import { SessionChannels } from '@litesession/rocketmq';
import type { RequestLease } from '@litesession/rocketmq/transport';
import { TURN_SETTINGS, type TurnSettings } from '../config/scheduler.tokens';
import { SchedulerMetrics } from '../metrics/scheduler-metrics';
import { TurnAbandonedError, type TurnOutcome } from './turn-outcome';
import { TurnRunner } from './turn-runner';
import { toMessage } from '@litesession/edge';

/** Pause between writes of a last attempt's `turn.failed` while the broker refuses them. */
const GIVE_UP_RETRY_MS = 2_000;

/**
 * Takes turns from the transport (TurnRunner bounds how many generate at once), decides what a failure
 * means for the request (retry, or end the turn on the last attempt), and drains on shutdown.
 */
@Injectable()
export class TurnService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(TurnService.name);
  private draining = false;

  constructor(
    private readonly runner: TurnRunner,
    private readonly channels: SessionChannels,
    @Inject(TURN_SETTINGS) private readonly settings: TurnSettings,
    private readonly metrics: SchedulerMetrics,
  ) {}

  /**
   * Resolves when the request may be acknowledged; rejects to have it delivered again (after the retry
   * policy's backoff, or at once when the lease was handed back).
   */
  async handle(request: ChatSendRequest, delivery: { attempt: number; lease: RequestLease }): Promise<void> {
    const { attempt, lease } = delivery;
    this.logger.debug({
      msg: `Session ${request.sessionId}: request of turn ${request.turnId} received (delivery ${attempt})`,
      sessionId: request.sessionId,
      turnId: request.turnId,
    });
    // The last attempt: no scheduler gets the request after this one (a hand-back or a lost lease sends it
    // to the dead-letter queue), so this one ends the turn, whatever happens.
    const last = attempt >= this.settings.finalAttempt;
    const drained = () => new TurnAbandonedError(`Turn ${request.turnId}: this scheduler is shutting down`);
    if (this.draining && !last) return this.handBack(lease, request);
    let outcome: TurnOutcome;
    try {
      if (this.draining) throw drained();
      outcome = await this.runner.run(request, attempt, lease);
    } catch (error) {
      if (!last && error instanceof TurnAbandonedError) return this.handBack(lease, request);
      if (!last) throw error;
      outcome = await this.giveUp(request, error);
    }
    this.metrics.turns.inc({ outcome });
  }

  /**
   * SIGTERM: take nothing new, give running turns `shutdownGraceMs` to finish, then stop them writing and
   * hand their requests back at once: another scheduler takes each over (`turn.restarted`) and runs it again.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.draining = true;
    this.runner.drain();
    const deadline = Date.now() + this.settings.shutdownGraceMs;
    while (this.runner.running > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (this.runner.running > 0) {
      this.logger.warn(`Handing ${this.runner.running} running turn(s) over to other schedulers`);
      this.runner.abandonAll();
    }
  }

  /**
   * The last attempt failed too: end the turn in the log so that no client waits for it forever. The
   * failure is often the broker itself (an outage), so the write is retried for a while.
   */
  private async giveUp(request: ChatSendRequest, error: unknown): Promise<TurnOutcome> {
    const message = toMessage(error);
    this.logger.error({
      msg: `Session ${request.sessionId}, turn ${request.turnId}: giving up: ${message}`,
      sessionId: request.sessionId,
      turnId: request.turnId,
    });
    const deadline = Date.now() + this.settings.giveUpWriteMs;
    for (;;) {
      try {
        await this.channels.publish(request.sessionId, {
          type: TurnEvent.TurnFailed,
          turnId: request.turnId,
          text: 'The turn could not be run; send the message again',
          data: { code: 'unavailable' },
        });
        return 'failed';
      } catch (publishError) {
        if (Date.now() >= deadline) {
          this.logger.error({
            msg: `Could not record the failure of turn ${request.turnId}: ${String(publishError)}`,
            sessionId: request.sessionId,
            turnId: request.turnId,
          });
          return 'failed';
        }
        await new Promise((resolve) => setTimeout(resolve, GIVE_UP_RETRY_MS));
      }
    }
  }

  /** Lets another scheduler have the request now: the rejection nacks it with no delay. */
  private handBack(lease: RequestLease, request: ChatSendRequest): never {
    lease.handBack();
    throw new TurnAbandonedError(`Turn ${request.turnId} handed back: this scheduler is shutting down`);
  }
}
