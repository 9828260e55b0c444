import { Module } from '@nestjs/common';
import { RocketMQProducer } from './producer/rocketmq-producer';
import { LITE_CONSUMER_FACTORY, RESOLVED_ROCKETMQ_OPTIONS } from './rocketmq.constants';
import { RocketMQConfigurableModule, ROCKETMQ_OPTIONS } from './rocketmq.module-definition';
import { resolveRocketMQOptions } from './rocketmq.options';
import { createLitePushConsumer } from './session-channels/lite-consumer';
import { RocketMQSessionChannels } from './session-channels/rocketmq-session-channels';
import { SessionChannels } from './session-channels/session-channels';

/**
 * RocketMQ for LiteSession processes: a producer and the LiteTopic session channels.
 *
 *   RocketMQModule.forRoot({ endpoints: '127.0.0.1:8081', sessionChannels: { parentTopic: 'chat', consumerGroup: 'gateway' } })
 *
 * Options are validated once (both forRoot and forRootAsync), reporting every problem together.
 */
@Module({
  providers: [
    { provide: RESOLVED_ROCKETMQ_OPTIONS, useFactory: resolveRocketMQOptions, inject: [ROCKETMQ_OPTIONS] },
    { provide: LITE_CONSUMER_FACTORY, useValue: createLitePushConsumer },
    RocketMQProducer,
    RocketMQSessionChannels,
    { provide: SessionChannels, useExisting: RocketMQSessionChannels },
  ],
  exports: [
    RESOLVED_ROCKETMQ_OPTIONS,
    LITE_CONSUMER_FACTORY,
    RocketMQProducer,
    SessionChannels,
    RocketMQSessionChannels,
  ],
})
export class RocketMQModule extends RocketMQConfigurableModule {}
