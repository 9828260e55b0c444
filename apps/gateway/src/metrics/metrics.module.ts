import { Global, Module } from '@nestjs/common';
import { GatewayMetrics } from './gateway-metrics';
import { MetricsController } from './metrics.controller';

/** Global: the socket gateways record into it. */
@Global()
@Module({ providers: [GatewayMetrics], controllers: [MetricsController], exports: [GatewayMetrics] })
export class MetricsModule {}
