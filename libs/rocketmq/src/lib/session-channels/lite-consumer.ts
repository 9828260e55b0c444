import type { LoggerService } from '@nestjs/common';
import {
  ConsumeResult,
  LitePushConsumerBuilder,
  type MessageView,
  OffsetOption,
  type LitePushConsumer,
} from 'rocketmq-client-nodejs';
import { toClientConfiguration } from '../client/client-configuration';
import type { ResolvedRocketMQOptions } from '../rocketmq.options';

/** One message of a lite topic, as the session channels need it. */
export interface LiteDelivery {
  liteTopic: string | undefined;
  /** Offset in the lite topic's own queue. */
  offset: number | undefined;
  body: Buffer;
  messageId: string;
  deliveryAttempt: number;
}

/** The slice of a lite push consumer the session channels use; faked in unit tests. */
export interface LiteConsumer {
  /** Subscribes the lite topic and positions this group's offset at `fromOffset`. */
  subscribeLite(liteTopic: string, fromOffset: number): Promise<void>;
  unsubscribeLite(liteTopic: string): Promise<void>;
  /** Lite topics this client is subscribed to, as the broker last told it. */
  getLiteTopicSet(): Set<string>;
  isRunning(): boolean;
  close(): Promise<void>;
}

export type LiteConsumerFactory = (
  options: ResolvedRocketMQOptions,
  logger: LoggerService,
  onMessage: (delivery: LiteDelivery) => void,
) => Promise<LiteConsumer>;

/**
 * Builds and starts a LitePushConsumer of rocketmq-client-nodejs. Every message is acked: delivery to a
 * listener is best effort and resuming by `seq` re-reads the durable log, so a redelivery would not help.
 */
export const createLitePushConsumer: LiteConsumerFactory = async (options, logger, onMessage) => {
  const { parentTopic, consumerGroup } = options.sessionChannels;
  if (!consumerGroup) throw new Error('sessionChannels.consumerGroup is not configured');
  const consumer: LitePushConsumer = await new LitePushConsumerBuilder()
    .setClientConfiguration(toClientConfiguration(options, logger))
    .setConsumerGroup(consumerGroup)
    .bindTopic(parentTopic)
    .setMessageListener({
      consume(view: MessageView) {
        onMessage(toDelivery(view));
        return ConsumeResult.SUCCESS;
      },
    })
    .build();
  return {
    subscribeLite: (liteTopic, fromOffset) => consumer.subscribeLite(liteTopic, OffsetOption.ofOffset(fromOffset)),
    unsubscribeLite: (liteTopic) => consumer.unsubscribeLite(liteTopic),
    getLiteTopicSet: () => consumer.getLiteTopicSet(),
    // LitePushConsumer's interface omits isRunning; its implementation (a PushConsumer) has it.
    isRunning: () => (consumer as unknown as { isRunning(): boolean }).isRunning(),
    close: () => consumer.close(),
  };
};

function toDelivery(view: MessageView): LiteDelivery {
  return {
    liteTopic: view.liteTopic,
    offset: view.offset === undefined ? undefined : Number(view.offset),
    body: view.body,
    messageId: view.messageId,
    deliveryAttempt: view.deliveryAttempt ?? 1,
  };
}
