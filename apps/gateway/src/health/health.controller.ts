import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { RocketMQHealthIndicator } from '@litesession/rocketmq/health';

/** Liveness has no dependencies (a broker outage must not restart the node); readiness needs RocketMQ. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly rocketmq: RocketMQHealthIndicator,
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([() => this.rocketmq.isHealthy('rocketmq')]);
  }
}
