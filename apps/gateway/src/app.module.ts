import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import { serviceLoggerParams } from '@litesession/edge';
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
    LoggerModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<GatewayEnv, true>) =>
        serviceLoggerParams({
          service: 'gateway',
          node: config.get('GATEWAY_NODE_ID', { infer: true }),
          format: config.get('LOG_FORMAT', { infer: true }),
          // GATEWAY_DEBUG=1 shows debug/verbose lines, among them the RocketMQ client's routine ones.
          debug: Boolean(process.env['GATEWAY_DEBUG']),
        }),
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
