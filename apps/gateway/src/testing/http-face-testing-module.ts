import type { INestApplication, Type } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { RocketMQProducer, SessionChannels } from '@litesession/rocketmq';
import type { InMemorySessionChannels } from '@litesession/rocketmq/testing';
import { AdmissionModule } from '../admission/admission.module';
import { RequestResender } from '../chat/request-resender';
import { TurnRequests } from '../chat/turn-requests';
import { validateGatewayEnv } from '../config/gateway.env';
import { CHAT_LIMITS, DRAIN_GRACE_MS, GATEWAY_NODE_ID, REQUEST_RESENDS } from '../config/gateway.tokens';
import { DrainState } from '../health/drain-state';
import { HttpAdmission } from '../http/http-admission';
import { HttpErrorFilter } from '../http/http-error.filter';
import { SessionStreams } from '../http/session-streams';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { BrokerStatus } from '../session/broker-status';
import { SessionLogReader } from '../session/session-log-reader';
import type { FakeProducer } from './fake-producer';

/**
 * A Nest app with the gateway's HTTP controllers over in-memory channels and a fake producer, in
 * anonymous mode (node `node-a`, resends off): what the HTTP and AI SDK unit tests share.
 */
export async function httpFaceApp(options: {
  controllers: Type[];
  channels: InMemorySessionChannels;
  producer: FakeProducer;
  maxTextChars: number;
}): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      ConfigModule.forRoot({
        isGlobal: true,
        ignoreEnvFile: true,
        validate: () => validateGatewayEnv({ SESSION_SECRET: 'x'.repeat(32), AUTH_MODE: 'anonymous' }),
      }),
      AdmissionModule.forRoot(),
    ],
    controllers: options.controllers,
    providers: [
      { provide: SessionChannels, useValue: options.channels },
      { provide: RocketMQProducer, useValue: options.producer },
      { provide: GATEWAY_NODE_ID, useValue: 'node-a' },
      { provide: DRAIN_GRACE_MS, useValue: 50 },
      { provide: REQUEST_RESENDS, useValue: { afterMs: 600_000, times: 0 } },
      { provide: CHAT_LIMITS, useValue: { maxTextChars: options.maxTextChars, eventsPerSecond: 5 } },
      { provide: APP_FILTER, useClass: HttpErrorFilter },
      DrainState,
      GatewayMetrics,
      BrokerStatus,
      RequestResender,
      TurnRequests,
      SessionLogReader,
      HttpAdmission,
      SessionStreams,
    ],
  }).compile();
  return moduleRef.createNestApplication();
}
