import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { DrainState } from './drain-state';

/** Readiness: down while the node drains, so balancers stop sending new clients. */
@Injectable()
export class DrainHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly drain: DrainState,
  ) {}

  isHealthy<const Key extends string>(key: Key) {
    const indicator = this.health.check(key);
    return this.drain.draining ? indicator.down({ reason: 'node is draining' }) : indicator.up();
  }
}
