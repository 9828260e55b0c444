import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Producer, TooManyRequestsException } from 'rocketmq-client-nodejs';
import { toClientConfiguration } from '../client/client-configuration';
import { withLinkRepair } from '../client/link-repair';
import { withSettingsReplay } from '../client/settings-replay';
import { routeClientDefaultLogger } from '../client/rocketmq-logger';
import { RESOLVED_ROCKETMQ_OPTIONS } from '../rocketmq.constants';
import { RocketMQStartupError, SessionChannelError, SessionChannelsClosedError } from '../rocketmq.errors';
import type { ResolvedRocketMQOptions } from '../rocketmq.options';
import { encodeSessionEvent, type SessionEventInput } from '../session/session-event';
import { liteTopicFor } from '../session/session-id';
import { toMessage } from '@litesession/edge';
import { withTimeout } from '../util/with-timeout';

/**
 * A stored session event. Its `seq` is known only to readers: for a lite message the broker's send receipt
 * carries the parent topic's queue offset, not the lite topic's (see docs/rocketmq.md).
 */
export interface PublishedSessionEvent {
  sessionId: string;
  messageId: string;
}

export interface SendOptions {
  /** FIFO topics deliver messages of one group in order (e.g. the session id). */
  messageGroup?: string;
  keys?: string[];
  tag?: string;
}

const StartupSafeProducer = withLinkRepair(withSettingsReplay(Producer));

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Owns this process's RocketMQ producer: started under a deadline on init, shut down last. */
@Injectable()
export class RocketMQProducer implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RocketMQProducer.name);
  private readonly producer: InstanceType<typeof StartupSafeProducer>;
  private consecutiveFailures = 0;
  private lastFailure: string | undefined;

  constructor(@Inject(RESOLVED_ROCKETMQ_OPTIONS) private readonly options: ResolvedRocketMQOptions) {
    routeClientDefaultLogger();
    this.producer = new StartupSafeProducer({
      ...toClientConfiguration(options, this.logger),
      topics: [options.sessionChannels.parentTopic, ...options.producerTopics],
      // One attempt per send: the client would resend after any error, timeouts included (see busyRetries).
      maxAttempts: 1,
    });
  }

  async onModuleInit(): Promise<void> {
    try {
      await withTimeout(this.producer.startup(), this.options.startupTimeoutMs, 'RocketMQ producer startup');
    } catch (error) {
      // Stop the client's own retries and timers so a failed bootstrap leaves nothing running.
      await this.producer.shutdown().catch(() => undefined);
      throw new RocketMQStartupError('RocketMQ producer', this.options.endpoints, { cause: error });
    }
    this.logger.log(`Producer started (endpoints ${this.options.endpoints})`);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.producer.isRunning()) await this.producer.shutdown();
  }

  isRunning(): boolean {
    return this.producer.isRunning();
  }

  /** Failed sends in a row since the last success, and the last error; read by the health indicator. */
  sendHealth(): { consecutiveFailures: number; lastFailure: string | undefined } {
    return { consecutiveFailures: this.consecutiveFailures, lastFailure: this.lastFailure };
  }

  /**
   * Appends one event to a session's log (its LiteTopic under `parentTopic`, by default the module's
   * `sessionChannels.parentTopic`). Rejects with SessionChannelError when the send failed; after a timeout
   * the event may still have been stored (see `busyRetries`).
   */
  async publish(
    sessionId: string,
    event: SessionEventInput,
    options: { parentTopic?: string } = {},
  ): Promise<PublishedSessionEvent> {
    const liteTopic = liteTopicFor(sessionId);
    const body = encodeSessionEvent(event);
    const receipt = await this.sendRaw(sessionId, {
      topic: options.parentTopic ?? this.options.sessionChannels.parentTopic,
      liteTopic,
      body,
    });
    return { sessionId, messageId: receipt.messageId };
  }

  /** Sends a message to a normal or FIFO topic (one listed in `producerTopics`). */
  async send(topic: string, body: Buffer, options: SendOptions = {}): Promise<{ messageId: string }> {
    const receipt = await this.sendRaw(topic, { topic, body, ...options });
    return { messageId: receipt.messageId };
  }

  private async sendRaw(
    what: string,
    message: Parameters<Producer['send']>[0],
  ): Promise<{ messageId: string }> {
    if (!this.producer.isRunning()) {
      throw new SessionChannelsClosedError('The RocketMQ producer is not running');
    }
    for (let retry = 0; ; retry += 1) {
      try {
        const receipt = await this.producer.send(message);
        this.consecutiveFailures = 0;
        return receipt;
      } catch (error) {
        // Flow control means the broker refused the message: resending cannot store it twice.
        if (error instanceof TooManyRequestsException && retry < this.options.busyRetries) {
          await sleep(Math.min(1000, 20 * 2 ** retry) * (0.5 + Math.random()));
          continue;
        }
        this.consecutiveFailures += 1;
        this.lastFailure = toMessage(error);
        throw new SessionChannelError(`Publishing to ${what} failed: ${toMessage(error)}`, { cause: error });
      }
    }
  }
}
