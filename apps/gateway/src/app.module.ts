import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { serviceLoggerModule } from '@litesession/edge';
import {
  CHAT_CONTROL_TOPIC,
  CHAT_REQUESTS_TOPIC,
  CHAT_TOPIC,
  gatewayGroup,
} from '@litesession/chat-protocol';
import { RocketMQModule } from '@litesession/rocketmq';
import { type GatewayEnv, validateGatewayEnv } from './config/gateway.env';
import { DemoModule } from './demo/demo.module';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { SessionModule } from './session/session.module';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, validate: validateGatewayEnv }),
    // JSON lines (LOG_FORMAT); GATEWAY_DEBUG=1 adds debug/verbose ones, among them the RocketMQ client's routine ones.
    serviceLoggerModule<GatewayEnv>({
      service: 'gateway',
      nodeIdVariable: 'GATEWAY_NODE_ID',
      debugVariable: 'GATEWAY_DEBUG',
    }),
    RocketMQModule.forRootAsync({
      isGlobal: true,
      inject: [ConfigService],
      useFactory: (config: ConfigService<GatewayEnv, true>) => ({
        endpoints: config.get('ROCKETMQ_ENDPOINTS', { infer: true }),
        sessionChannels: {
          parentTopic: CHAT_TOPIC,
          consumerGroup: gatewayGroup(config.get('GATEWAY_GROUP_INDEX', { infer: true })),
        },
        producerTopics: [CHAT_REQUESTS_TOPIC, CHAT_CONTROL_TOPIC],
        coalesceAcks: config.get('ROCKETMQ_COALESCE_ACKS', { infer: true }) === 'true',
        receiveLingerMs: config.get('ROCKETMQ_RECEIVE_LINGER_MS', { infer: true }),
      }),
    }),
    MetricsModule,
    SessionModule.forRoot(),
    HealthModule,
    DemoModule,
  ],
})
export class AppModule {}
