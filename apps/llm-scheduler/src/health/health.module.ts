import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { RocketMQHealthModule } from '@litesession/rocketmq/health';
import { TurnsModule } from '../turns/turns.module';
import { HealthController } from './health.controller';
import { TransportState } from './transport-state';

@Module({
  imports: [TerminusModule.forRoot({ gracefulShutdownTimeoutMs: 0 }), RocketMQHealthModule, TurnsModule],
  controllers: [HealthController],
  providers: [TransportState],
  exports: [TransportState],
})
export class HealthModule {}
