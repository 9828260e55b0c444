import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ChatGateway } from '../chat/chat.gateway';
import { CHAT_LIMITS, type ChatLimits, DRAIN_GRACE_MS, GATEWAY_NODE_ID } from '../config/gateway.tokens';
import type { GatewayEnv } from '../config/gateway.env';
import { ResumeTokens } from './resume-token';
import { SessionGateway } from './session.gateway';
import { SessionTurnsRegistry } from './session-turns';

@Module({
  providers: [
    SessionGateway,
    ChatGateway,
    SessionTurnsRegistry,
    {
      provide: CHAT_LIMITS,
      inject: [ConfigService],
      useFactory: (config: ConfigService<GatewayEnv, true>): ChatLimits => ({
        maxTextChars: config.get('MAX_TEXT_CHARS', { infer: true }),
        eventsPerSecond: config.get('MAX_EVENTS_PER_SECOND', { infer: true }),
      }),
    },
    {
      provide: ResumeTokens,
      inject: [ConfigService],
      useFactory: (config: ConfigService<GatewayEnv, true>) =>
        new ResumeTokens(config.get('SESSION_SECRET', { infer: true })),
    },
    {
      provide: DRAIN_GRACE_MS,
      inject: [ConfigService],
      useFactory: (config: ConfigService<GatewayEnv, true>) => config.get('DRAIN_GRACE_MS', { infer: true }),
    },
    {
      provide: GATEWAY_NODE_ID,
      inject: [ConfigService],
      useFactory: (config: ConfigService<GatewayEnv, true>) => config.get('GATEWAY_NODE_ID', { infer: true }),
    },
  ],
})
export class SessionModule {}
