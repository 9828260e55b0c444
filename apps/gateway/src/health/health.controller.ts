import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { RocketMQHealthIndicator } from '@litesession/rocketmq/health';
import { DrainHealthIndicator } from './drain.health';

/** Liveness has no dependencies (a broker outage must not restart the node); readiness needs RocketMQ. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly rocketmq: RocketMQHealthIndicator,
    private readonly drain: DrainHealthIndicator,
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([() => this.drain.isHealthy('node'), () => this.rocketmq.isHealthy('rocketmq')]);
  }
}
