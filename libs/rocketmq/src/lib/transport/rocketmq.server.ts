import { Logger } from '@nestjs/common';
import { type CustomTransportStrategy, type ReadPacket, Server } from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';
import { ConsumeResult, FilterExpression, type MessageView, type PushConsumer } from 'rocketmq-client-nodejs';
import { toClientConfiguration } from '../client/client-configuration';
import { routeClientDefaultLogger } from '../client/rocketmq-logger';
import { RocketMQStartupError } from '../rocketmq.errors';
import type { ResolvedRocketMQOptions } from '../rocketmq.options';
import { toStack } from '@litesession/edge';
import { withTimeout } from '../util/with-timeout';
import { LeasedPushConsumer, type LeaseSettings } from './leased-push-consumer';
import { RocketMQContext, type RocketMQMessage, UNLEASED } from './rocketmq.context';
import type { RequestLease } from './request-lease';

export const ROCKETMQ_TRANSPORT = Symbol('ROCKETMQ_TRANSPORT');
export type RocketMQStatus = 'connected' | 'disconnected';

export interface RocketMQServerOptions {
  /** Validated module options (inject RESOLVED_ROCKETMQ_OPTIONS), for endpoints, credentials and timeouts. */
  client: ResolvedRocketMQOptions;
  /** Consumer group of this service; it must exist (tools/rocketmq provisions it). */
  consumerGroup: string;
  /** Messages received but not yet handled, across all topics; bounds a busy process. @default 64 */
  maxCachedMessages?: number;
  /**
   * Long-poll of each receive request. Closing the consumer waits for the polls in flight, so this bounds
   * a graceful shutdown; only after it does the client tell the proxy it is gone. @default 5_000
   */
  longPollingTimeoutMs?: number;
  /**
   * Hold each message on a lease this process renews (LeasedPushConsumer): a message of a dead process
   * becomes visible again within `leaseMs`. @default { leaseMs: 4_000, renewEveryMs: 1_000 }
   */
  lease?: LeaseSettings;
}

/** The slice of a push consumer the server uses; replaced by a fake in unit tests. */
export interface TransportConsumer {
  startup(): Promise<void>;
  shutdown(): Promise<void>;
  /** Starts this process's lease on a message just received (consumers without leases leave it out). */
  hold?(view: MessageView): RequestLease;
}

export type TransportConsumerFactory = (
  settings: ConstructorParameters<typeof PushConsumer>[0],
  lease: LeaseSettings,
) => TransportConsumer;

const DEFAULT_LEASE: LeaseSettings = { leaseMs: 4_000, renewEveryMs: 1_000 };

/**
 * A Nest custom transport on RocketMQ normal/FIFO topics, for @EventPattern handlers: the pattern is the
 * topic, the payload the JSON body. A handler that returns (or whose Observable completes) acks the
 * message; one that throws leaves it to the group's retry policy and, in the end, its dead-letter queue.
 * In a FIFO group, messages of one message group (a session) are handled one after another.
 */
export class RocketMQServer
  extends Server<Record<string, never>, RocketMQStatus>
  implements CustomTransportStrategy
{
  override transportId: symbol = ROCKETMQ_TRANSPORT;
  protected override readonly logger = new Logger(RocketMQServer.name);
  private consumer: TransportConsumer | undefined;

  constructor(
    private readonly options: RocketMQServerOptions,
    private readonly createConsumer: TransportConsumerFactory = (settings, lease) =>
      new LeasedPushConsumer(settings, lease, (messageId, reason) =>
        this.logger.warn(`Lease of message ${messageId} lost (${reason}): another consumer may have it now`),
      ),
  ) {
    super();
    routeClientDefaultLogger();
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      this.assertOnlyEventHandlers();
      const topics = [...this.messageHandlers.keys()];
      const consumer: TransportConsumer = this.createConsumer(
        {
          ...toClientConfiguration(this.options.client, this.logger),
          consumerGroup: this.options.consumerGroup,
          subscriptions: new Map(topics.map((topic) => [topic, FilterExpression.SUB_ALL] as const)),
          maxCacheMessageCount: this.options.maxCachedMessages ?? 64,
          longPollingTimeout: this.options.longPollingTimeoutMs ?? 5_000,
          // Different message groups (sessions) in parallel, each still in order.
          enableFifoConsumeAccelerator: true,
          messageListener: { consume: (view: MessageView) => this.consume(consumer, view) },
        },
        this.options.lease ?? DEFAULT_LEASE,
      );
      try {
        await withTimeout(
          consumer.startup(),
          this.options.client.startupTimeoutMs,
          'RocketMQ push consumer startup',
        );
      } catch (error) {
        await consumer.shutdown().catch(() => undefined);
        throw new RocketMQStartupError(
          `RocketMQ push consumer (group ${this.options.consumerGroup})`,
          this.options.client.endpoints,
          {
            cause: error,
          },
        );
      }
      this.consumer = consumer;
      this._status$.next('connected');
      this.logger.log(`Listening on ${topics.join(', ')} (group ${this.options.consumerGroup})`);
      callback();
    } catch (error) {
      callback(error);
    }
  }

  async close(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.shutdown();
    this._status$.next('disconnected');
  }

  on(): never {
    throw new Error('RocketMQServer has no broker events to listen to; subscribe to `status` instead.');
  }

  unwrap<T>(): T {
    if (!this.consumer)
      throw new Error('RocketMQServer is not listening yet; call listen() (startAllMicroservices) first.');
    return this.consumer as T;
  }

  private consume(consumer: TransportConsumer, view: MessageView): Promise<ConsumeResult> {
    return this.handleMessage(toMessage(view), consumer.hold?.(view) ?? UNLEASED);
  }

  /** Runs the handler of the message's topic; its outcome decides the ack. Never throws. */
  async handleMessage(message: RocketMQMessage, lease: RequestLease = UNLEASED): Promise<ConsumeResult> {
    const context = new RocketMQContext([message, lease]);
    let data: unknown;
    try {
      data = JSON.parse(message.body.toString('utf8'));
    } catch (error) {
      // Kept for inspection: after the group's retries the broker moves it to the dead-letter queue.
      this.logger.error(
        `Undecodable message ${message.messageId} on ${message.topic}: ${(error as Error).message}`,
      );
      return ConsumeResult.FAILURE;
    }
    try {
      await this.handleEvent(message.topic, { pattern: message.topic, data }, context);
      return ConsumeResult.SUCCESS;
    } catch (error) {
      this.logger.error(
        `Handler for ${message.topic} failed (messageId=${message.messageId}, attempt=${message.deliveryAttempt})`,
        toStack(error),
      );
      return ConsumeResult.FAILURE;
    }
  }

  /** Awaits the handler (and its Observable) so that a failure reaches handleMessage. */
  override async handleEvent(pattern: string, packet: ReadPacket, context: RocketMQContext): Promise<void> {
    const handler = this.getHandlerByPattern(pattern);
    if (!handler) {
      this.logger.warn(`No @EventPattern('${pattern}') handler; acking ${context.getMessageId()}`);
      return;
    }
    const result: unknown = await handler(packet.data, context);
    if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
  }

  private assertOnlyEventHandlers(): void {
    const requestHandlers = [...this.messageHandlers].filter(([, handler]) => !handler.isEventHandler);
    if (requestHandlers.length > 0) {
      throw new Error(
        `RocketMQServer serves @EventPattern handlers only; found @MessagePattern for ${requestHandlers.map(([p]) => p).join(', ')}`,
      );
    }
    if (this.messageHandlers.size === 0)
      throw new Error('RocketMQServer has no @EventPattern handlers to subscribe');
  }
}

function toMessage(view: MessageView): RocketMQMessage {
  return {
    topic: view.topic,
    messageId: view.messageId,
    body: view.body,
    messageGroup: view.messageGroup,
    keys: view.keys,
    tag: view.tag,
    deliveryAttempt: view.deliveryAttempt ?? 1,
  };
}
