import type { Logger } from '@nestjs/common';
import { toMessage } from '@litesession/edge';
import type { LinkHealth } from '../client/link-repair';
import { RocketMQStartupError } from '../rocketmq.errors';
import type { ResolvedRocketMQOptions } from '../rocketmq.options';
import { withTimeout } from '../util/with-timeout';
import type { LiteConsumer } from './lite-consumer';

/**
 * The process's one lite consumer from start to close, with bounded start-up and shutdown, and link
 * listeners that may register before it has started (providers are built first).
 */
export class LiteConsumerHolder {
  private consumer: LiteConsumer | undefined;
  private readonly pendingLinkListeners: Array<() => void> = [];

  constructor(
    private readonly options: ResolvedRocketMQOptions,
    private readonly logger: Logger,
  ) {}

  get current(): LiteConsumer | undefined {
    return this.consumer;
  }

  async start(starting: Promise<LiteConsumer>): Promise<void> {
    try {
      this.consumer = await withTimeout(
        starting,
        this.options.startupTimeoutMs,
        'RocketMQ lite consumer startup',
      );
    } catch (error) {
      // If it starts after all, close it: a failed bootstrap must leave nothing running.
      void starting.then((late) => late.close()).catch(() => undefined);
      throw new RocketMQStartupError('RocketMQ lite consumer', this.options.endpoints, { cause: error });
    }
    this.pendingLinkListeners.splice(0).forEach((attach) => attach());
  }

  async close(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    if (!consumer) return;
    // Every message is acked as it arrives, so nothing is lost by not waiting out the client's long poll.
    await withTimeout(consumer.close(), this.options.shutdownTimeoutMs, 'Closing the lite consumer').catch(
      (error: unknown) => this.logger.warn(`${toMessage(error)}; continuing shutdown`),
    );
  }

  linkHealth(): LinkHealth {
    return this.consumer?.linkHealth() ?? { state: 'ok', since: 0 };
  }

  onLinkChange(listener: (health: LinkHealth) => void): () => void {
    const stops: Array<() => void> = [];
    const attach = () => {
      if (this.consumer) stops.push(this.consumer.onLinkChange(listener));
      else this.pendingLinkListeners.push(attach);
    };
    attach();
    return () => stops.forEach((stop) => stop());
  }
}
