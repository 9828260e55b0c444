import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { RocketMQHealthIndicator } from './rocketmq.health';

/** Provides RocketMQHealthIndicator. Needs RocketMQModule registered with `isGlobal: true`. */
@Module({
  imports: [TerminusModule],
  providers: [RocketMQHealthIndicator],
  exports: [RocketMQHealthIndicator],
})
export class RocketMQHealthModule {}
