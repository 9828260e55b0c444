import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { serviceLoggerModule } from '@litesession/edge';
import {
  CHAT_CONTROL_TOPIC,
  CHAT_TOPIC,
  SCHEDULER_FINAL_ATTEMPT,
  SCHEDULER_HISTORY_GROUP,
  CHAT_TRANSCRIPT_TOPIC,
} from '@litesession/chat-protocol';
import { RocketMQModule } from '@litesession/rocketmq';
import { type SchedulerEnv, validateSchedulerEnv } from './config/scheduler.env';
import { TURN_SETTINGS, type TurnSettings } from './config/scheduler.tokens';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { TurnsModule } from './turns/turns.module';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, validate: validateSchedulerEnv }),
    // JSON lines (LOG_FORMAT); SCHEDULER_DEBUG=1 adds debug/verbose ones, among them the RocketMQ client's routine ones.
    serviceLoggerModule<SchedulerEnv>({
      service: 'llm-scheduler',
      nodeIdVariable: 'SCHEDULER_NODE_ID',
      debugVariable: 'SCHEDULER_DEBUG',
    }),
    RocketMQModule.forRootAsync({
      isGlobal: true,
      inject: [ConfigService],
      useFactory: (config: ConfigService<SchedulerEnv, true>) => ({
        endpoints: config.get('ROCKETMQ_ENDPOINTS', { infer: true }),
        // The module's own channels read session logs (the conversation) and write turn events.
        sessionChannels: { parentTopic: CHAT_TOPIC, consumerGroup: SCHEDULER_HISTORY_GROUP },
        producerTopics: [CHAT_CONTROL_TOPIC, CHAT_TRANSCRIPT_TOPIC],
      }),
    }),
    {
      module: class TurnSettingsModule {},
      global: true,
      providers: [
        {
          provide: TURN_SETTINGS,
          inject: [ConfigService],
          useFactory: (config: ConfigService<SchedulerEnv, true>): TurnSettings => ({
            nodeId: config.get('SCHEDULER_NODE_ID', { infer: true }),
            coalesceMs: config.get('TOKEN_COALESCE_MS', { infer: true }),
            turnTimeoutMs: config.get('TURN_TIMEOUT_MS', { infer: true }),
            historyTimeoutMs: 30_000,
            finalAttempt: SCHEDULER_FINAL_ATTEMPT,
            giveUpWriteMs: 120_000,
            silentWriterMs: 5_000,
            brokerPatienceMs: 20_000,
            shutdownGraceMs: config.get('SHUTDOWN_GRACE_MS', { infer: true }),
          }),
        },
      ],
      exports: [TURN_SETTINGS],
    },
    MetricsModule,
    TurnsModule,
    HealthModule,
  ],
})
export class AppModule {}
