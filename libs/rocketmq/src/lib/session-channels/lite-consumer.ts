import type { LoggerService } from '@nestjs/common';
import { ConsumeResult, type MessageView, OffsetOption } from 'rocketmq-client-nodejs';
import { toClientConfiguration } from '../client/client-configuration';
import type { LinkHealth } from '../client/link-repair';
import type { ResolvedRocketMQOptions } from '../rocketmq.options';
import { LiteSessionPushConsumer } from './lite-session-push-consumer';

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
  /**
   * Subscribes the lite topic and positions this group's offset at `fromOffset`, or, with `atEnd`, at
   * the topic's end (MAX_OFFSET).
   */
  subscribeLite(liteTopic: string, fromOffset: number, atEnd?: boolean): Promise<void>;
  unsubscribeLite(liteTopic: string): Promise<void>;
  /**
   * Moves this group's position in a subscribed lite topic to `fromOffset`: an unsubscribe and a subscribe
   * at the offset (the client ignores a subscribe of a topic it holds), with no full sync between them.
   */
  repositionLite(liteTopic: string, fromOffset: number): Promise<void>;
  /** Lite topics this client is subscribed to, as the broker last told it. */
  getLiteTopicSet(): Set<string>;
  /** Re-sends this client's whole lite subscription set (the client's own periodic full sync, now). */
  resync(): Promise<void>;
  isRunning(): boolean;
  /** Whether the broker answers this consumer's receives. */
  linkHealth(): LinkHealth;
  /** Called on every change of linkHealth(); returns a function that stops the calls. */
  onLinkChange(listener: (health: LinkHealth) => void): () => void;
  close(): Promise<void>;
}

export type LiteConsumerFactory = (
  options: ResolvedRocketMQOptions,
  logger: LoggerService,
  onMessage: (delivery: LiteDelivery) => void,
) => Promise<LiteConsumer>;

/**
 * Starts a lite push consumer (rocketmq-client-nodejs, with the eviction notice handled). Every message is
 * acked: delivery to a listener is best effort and resuming by `seq` re-reads the durable log, so a
 * redelivery would not help.
 */
export const createLitePushConsumer: LiteConsumerFactory = async (options, logger, onMessage) => {
  const { parentTopic, consumerGroup } = options.sessionChannels;
  if (!consumerGroup) throw new Error('sessionChannels.consumerGroup is not configured');
  const consumer = new LiteSessionPushConsumer(
    {
      ...toClientConfiguration(options, logger),
      namespace: options.namespace,
      consumerGroup,
      bindTopic: parentTopic,
      // Unused by the lite consumer, which subscribes the bind topic itself; required by the options type.
      subscriptions: new Map(),
      messageListener: {
        consume(view: MessageView) {
          onMessage(toDelivery(view));
          return ConsumeResult.SUCCESS;
        },
      },
    },
    {
      receiveInvisibleMs: options.receiveInvisibleMs,
      coalesceAcks: options.coalesceAcks,
      receiveLingerMs: options.receiveLingerMs,
    },
  );
  await consumer.startup();
  return {
    subscribeLite: (liteTopic, fromOffset, atEnd) =>
      consumer.subscribeLite(liteTopic, atEnd ? OffsetOption.MAX_OFFSET : OffsetOption.ofOffset(fromOffset)),
    unsubscribeLite: (liteTopic) => consumer.unsubscribeLite(liteTopic),
    repositionLite: (liteTopic, fromOffset) =>
      consumer.repositionLite(liteTopic, OffsetOption.ofOffset(fromOffset)),
    getLiteTopicSet: () => consumer.getLiteTopicSet(),
    isRunning: () => consumer.isRunning(),
    resync: () => consumer.resyncSubscriptions(),
    linkHealth: () => consumer.linkHealth(),
    onLinkChange: (listener) => consumer.onLinkChange(listener),
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
