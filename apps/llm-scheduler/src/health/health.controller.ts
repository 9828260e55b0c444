import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type { SessionChannels } from '@litesession/rocketmq';
import { RocketMQHealthIndicator } from '@litesession/rocketmq/health';
import { CONTROL_CHANNELS } from '../turns/cancel-watch';
import { TransportState } from './transport-state';

/**
 * Liveness has no dependencies; readiness needs the producer and history reader (rocketmq), the request
 * consumer (transport) and the control-channel watcher.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly rocketmq: RocketMQHealthIndicator,
    private readonly transport: TransportState,
    @Inject(CONTROL_CHANNELS) private readonly control: SessionChannels,
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.rocketmq.isHealthy('rocketmq'),
      () => {
        const check = this.indicators.check('requests');
        return this.transport.status === 'connected'
          ? check.up()
          : check.down({ reason: `request consumer ${this.transport.status}` });
      },
      () => {
        const check = this.indicators.check('control');
        return this.control.isRunning()
          ? check.up()
          : check.down({ reason: 'control consumer is not running' });
      },
    ]);
  }
}
