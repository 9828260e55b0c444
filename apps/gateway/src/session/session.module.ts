import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { GATEWAY_NODE_ID } from '../config/gateway.tokens';
import type { GatewayEnv } from '../config/gateway.env';
import { ResumeTokens } from './resume-token';
import { SessionGateway } from './session.gateway';

@Module({
  providers: [
    SessionGateway,
    {
      provide: ResumeTokens,
      inject: [ConfigService],
      useFactory: (config: ConfigService<GatewayEnv, true>) =>
        new ResumeTokens(config.get('SESSION_SECRET', { infer: true })),
    },
    {
      provide: GATEWAY_NODE_ID,
      inject: [ConfigService],
      useFactory: (config: ConfigService<GatewayEnv, true>) => config.get('GATEWAY_NODE_ID', { infer: true }),
    },
  ],
})
export class SessionModule {}
