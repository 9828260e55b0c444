import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { RocketMQHealthModule } from '@litesession/rocketmq/health';
import { DrainState } from './drain-state';
import { DrainHealthIndicator } from './drain.health';
import { HealthController } from './health.controller';

/** Global: the session gateway marks the node as draining. */
@Global()
@Module({
  imports: [TerminusModule.forRoot({ gracefulShutdownTimeoutMs: 0 }), RocketMQHealthModule],
  controllers: [HealthController],
  providers: [DrainState, DrainHealthIndicator],
  exports: [DrainState],
})
export class HealthModule {}
