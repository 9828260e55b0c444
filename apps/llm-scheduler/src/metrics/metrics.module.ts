import { Global, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { SchedulerMetrics } from './scheduler-metrics';

/** Global: turns record into it. */
@Global()
@Module({ providers: [SchedulerMetrics], controllers: [MetricsController], exports: [SchedulerMetrics] })
export class MetricsModule {}
