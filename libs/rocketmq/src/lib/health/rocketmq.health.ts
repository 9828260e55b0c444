import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { RocketMQProducer } from '../producer/rocketmq-producer';
import { RESOLVED_ROCKETMQ_OPTIONS } from '../rocketmq.constants';
import type { ResolvedRocketMQOptions } from '../rocketmq.options';
import { SessionChannels } from '../session-channels/session-channels';
import { toMessage } from '@litesession/edge';

/**
 * Readiness of this process's RocketMQ clients. Does no network I/O, so a probe every few seconds costs
 * nothing; never throws (a failure is `down` with a reason, which Terminus answers with 503).
 */
@Injectable()
export class RocketMQHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly producer: RocketMQProducer,
    private readonly channels: SessionChannels,
    @Inject(RESOLVED_ROCKETMQ_OPTIONS) private readonly options: ResolvedRocketMQOptions,
  ) {}

  isHealthy<const Key extends string>(key: Key) {
    const indicator = this.health.check(key);
    try {
      return this.evaluate(indicator);
    } catch (error) {
      return indicator.down({
        reason: `health check failed: ${toMessage(error)}`,
      });
    }
  }

  private evaluate(indicator: ReturnType<HealthIndicatorService['check']>) {
    if (!this.producer.isRunning()) {
      return indicator.down({ reason: 'producer is not running' });
    }
    const { consecutiveFailures, lastFailure } = this.producer.sendHealth();
    if (consecutiveFailures >= this.options.unhealthyAfterSendFailures) {
      return indicator.down({ reason: 'sends are failing', consecutiveFailures, lastFailure });
    }
    if (this.options.sessionChannels.consumerGroup && !this.channels.isRunning()) {
      return indicator.down({ reason: 'lite consumer is not running' });
    }
    const link = this.channels.linkHealth();
    if (link.state === 'unavailable') {
      // The broker does not answer the consumer: take this node out of rotation until it does.
      return indicator.down({
        reason: 'the broker does not answer',
        since: link.since,
        lastFailure: link.reason,
      });
    }
    return indicator.up({ sessions: this.channels.stats().sessions });
  }
}
