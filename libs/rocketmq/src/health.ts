// Secondary entry point: keeps @nestjs/terminus out of processes that do not serve health checks.
export { RocketMQHealthModule } from './lib/health/rocketmq-health.module';
export { RocketMQHealthIndicator } from './lib/health/rocketmq.health';
