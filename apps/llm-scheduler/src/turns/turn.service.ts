import { type BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { type ChatSendRequest, TurnEvent } from '@litesession/chat-protocol';
import { SessionChannels } from '@litesession/rocketmq';
import { TURN_SETTINGS, type TurnSettings } from '../config/scheduler.tokens';
import { SchedulerMetrics } from '../metrics/scheduler-metrics';
import { TurnAbandonedError, type TurnOutcome, TurnRunner } from './turn-runner';
import { TurnSlots } from './turn-slots';

/**
 * Takes turns from the transport: bounds how many run at once, decides what a failure means for the
 * request (retry, or end the turn on the last attempt), and drains on shutdown.
 */
@Injectable()
export class TurnService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(TurnService.name);
  private draining = false;

  constructor(
    private readonly runner: TurnRunner,
    private readonly slots: TurnSlots,
    private readonly channels: SessionChannels,
    @Inject(TURN_SETTINGS) private readonly settings: TurnSettings,
    private readonly metrics: SchedulerMetrics,
  ) {}

  /** Resolves when the request may be acknowledged; rejects to have it delivered again. */
  async handle(request: ChatSendRequest, attempt: number): Promise<void> {
    if (this.draining) return this.holdUntilExit();
    await this.slots.run(async () => {
      let outcome: TurnOutcome;
      try {
        outcome = await this.runner.run(request, attempt);
      } catch (error) {
        if (error instanceof TurnAbandonedError) return this.holdUntilExit();
        if (attempt < this.settings.finalAttempt) throw error;
        outcome = await this.giveUp(request, error);
      }
      this.metrics.turns.inc({ outcome });
    });
  }

  /**
   * SIGTERM: take nothing new, give running turns `shutdownGraceMs` to finish, then stop them writing.
   * Their requests are never acknowledged, so the broker hands them to another scheduler, which writes
   * `turn.restarted` and runs them again.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.draining = true;
    const deadline = Date.now() + this.settings.shutdownGraceMs;
    while (this.runner.running > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (this.runner.running > 0) {
      this.logger.warn(`Handing ${this.runner.running} running turn(s) over to other schedulers`);
      this.runner.abandonAll();
    }
  }

  /** The last attempt failed too: end the turn in the log so that no client waits for it forever. */
  private async giveUp(request: ChatSendRequest, error: unknown): Promise<TurnOutcome> {
    const message = error instanceof Error ? error.message : String(error);
    this.logger.error(`Session ${request.sessionId}, turn ${request.turnId}: giving up: ${message}`);
    await this.channels
      .publish(request.sessionId, {
        type: TurnEvent.TurnFailed,
        turnId: request.turnId,
        text: 'The turn could not be run; send the message again',
        data: { code: 'unavailable' },
      })
      .catch((publishError: unknown) =>
        this.logger.error(`Could not record the failure of turn ${request.turnId}: ${String(publishError)}`),
      );
    return 'failed';
  }

  /** Keeps a request unacknowledged while the process exits (main.ts bounds the shutdown). */
  private holdUntilExit(): Promise<void> {
    return new Promise<void>(() => undefined);
  }
}
