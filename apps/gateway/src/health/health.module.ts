import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { RocketMQHealthModule } from '@litesession/rocketmq/health';
import { HealthController } from './health.controller';

@Module({
  imports: [TerminusModule.forRoot({ gracefulShutdownTimeoutMs: 0 }), RocketMQHealthModule],
  controllers: [HealthController],
})
export class HealthModule {}
