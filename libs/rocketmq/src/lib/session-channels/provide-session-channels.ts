import type { FactoryProvider, InjectionToken } from '@nestjs/common';
import { RocketMQProducer } from '../producer/rocketmq-producer';
import { LITE_CONSUMER_FACTORY, RESOLVED_ROCKETMQ_OPTIONS } from '../rocketmq.constants';
import { type ResolvedRocketMQOptions, resolveRocketMQOptions } from '../rocketmq.options';
import type { LiteConsumerFactory } from './lite-consumer';
import { RocketMQSessionChannels } from './rocketmq-session-channels';

export interface SessionChannelsSpec {
  /** LITE parent topic of these channels, e.g. `chat-control`. */
  parentTopic: string;
  /** Lite consumer group to subscribe with; omit for a publish-only instance. */
  consumerGroup?: string;
}

/**
 * A further set of LiteTopic channels beside the module's own (another parent topic or consumer group),
 * under its own token, sharing the module's connection settings and producer:
 *
 *   providers: [provideSessionChannels(CONTROL_CHANNELS, { parentTopic: 'chat-control', consumerGroup: 'x' })]
 *
 * Needs RocketMQModule imported (or global). Lifecycle hooks run as for the module's own instance.
 */
export function provideSessionChannels(
  token: InjectionToken,
  spec: SessionChannelsSpec,
): FactoryProvider<RocketMQSessionChannels> {
  return {
    provide: token,
    inject: [RESOLVED_ROCKETMQ_OPTIONS, LITE_CONSUMER_FACTORY, RocketMQProducer],
    useFactory: (
      options: ResolvedRocketMQOptions,
      createConsumer: LiteConsumerFactory,
      producer: RocketMQProducer,
    ) =>
      new RocketMQSessionChannels(
        resolveRocketMQOptions({
          ...options,
          producerTopics: [...options.producerTopics],
          sessionChannels: spec,
        }),
        createConsumer,
        producer,
      ),
  };
}
