import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { APP_FILTER } from '@nestjs/core';
import { ChatGateway } from '../chat/chat.gateway';
import {
  CHAT_LIMITS,
  type ChatLimits,
  DRAIN_GRACE_MS,
  GATEWAY_NODE_ID,
  REQUEST_RESENDS,
  type RequestResends,
} from '../config/gateway.tokens';
import { RequestResender } from '../chat/request-resender';
import { TurnRequests } from '../chat/turn-requests';
import type { GatewayEnv } from '../config/gateway.env';
import { AdmissionModule, type AdmissionModuleOptions } from '../admission/admission.module';
import { SessionGateway } from './session.gateway';
import { BrokerStatus } from './broker-status';
import { SessionTurnsRegistry } from './session-turns';
import { SessionLogReader } from './session-log-reader';
import { HttpAdmission } from '../http/http-admission';
import { HttpErrorFilter } from '../http/http-error.filter';
import { SessionEventsController } from '../http/session-events.controller';
import { SessionsController } from '../http/sessions.controller';
import { AiChatController } from '../ai-sdk/ai-chat.controller';
import { SessionStreams } from '../http/session-streams';

/**
 * The client faces of a gateway node: Socket.IO (SessionGateway: session lifecycle; ChatGateway: chat
 * requests) and HTTP/SSE (SessionsController, SessionEventsController), over the same admission, turn
 * requests and log reading; AiChatController speaks the AI SDK's chat protocol.
 */
@Module({
  controllers: [SessionsController, SessionEventsController, AiChatController],
  providers: [
    SessionGateway,
    SessionLogReader,
    ChatGateway,
    SessionTurnsRegistry,
    RequestResender,
    TurnRequests,
    HttpAdmission,
    { provide: APP_FILTER, useClass: HttpErrorFilter },
    SessionStreams,
    BrokerStatus,
    {
      provide: CHAT_LIMITS,
      inject: [ConfigService],
      useFactory: (config: ConfigService<GatewayEnv, true>): ChatLimits => ({
        maxTextChars: config.get('MAX_TEXT_CHARS', { infer: true }),
        eventsPerSecond: config.get('MAX_EVENTS_PER_SECOND', { infer: true }),
      }),
    },
    {
      provide: REQUEST_RESENDS,
      inject: [ConfigService],
      useFactory: (config: ConfigService<GatewayEnv, true>): RequestResends => ({
        afterMs: config.get('REQUEST_RESEND_AFTER_MS', { infer: true }),
        times: config.get('REQUEST_RESENDS', { infer: true }),
      }),
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
export class SessionModule {
  /** `authenticator`: your own SessionAuthenticator (AUTH_MODE=custom); default from AUTH_MODE. */
  static forRoot(options: AdmissionModuleOptions = {}): DynamicModule {
    return { module: SessionModule, imports: [AdmissionModule.forRoot(options)] };
  }
}
