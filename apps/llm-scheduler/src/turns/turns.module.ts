import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import {
  CHAT_CONTROL_TOPIC,
  CHAT_TRANSCRIPT_TOPIC,
  SCHEDULER_CONTROL_GROUP,
  SCHEDULER_TRANSCRIPT_GROUP,
} from '@litesession/chat-protocol';
import { provideSessionChannels } from '@litesession/rocketmq';
import type { SchedulerEnv } from '../config/scheduler.env';
import { LlmModule } from '../llm/llm.module';
import { CancelWatch, CONTROL_CHANNELS } from './cancel-watch';
import { ChatRequestsController } from './chat-requests.controller';
import { SessionContexts } from './session-contexts';
import { SessionLogReader } from './session-log-reader';
import { SessionTranscript, TRANSCRIPT_CHANNELS } from './session-transcript';
import { TurnGeneration } from './turn-generation';
import { TurnLogFold } from './turn-log-fold';
import { TurnRunner } from './turn-runner';
import { TurnService } from './turn.service';
import { TurnSlots } from './turn-slots';

/** Sessions whose context (turns read so far) a scheduler keeps, so that their next turn reads only the new events. */
const SESSION_CONTEXTS_KEPT = 1_000;

@Module({
  imports: [LlmModule],
  controllers: [ChatRequestsController],
  providers: [
    provideSessionChannels(CONTROL_CHANNELS, {
      parentTopic: CHAT_CONTROL_TOPIC,
      consumerGroup: SCHEDULER_CONTROL_GROUP,
    }),
    provideSessionChannels(TRANSCRIPT_CHANNELS, {
      parentTopic: CHAT_TRANSCRIPT_TOPIC,
      consumerGroup: SCHEDULER_TRANSCRIPT_GROUP,
    }),
    {
      provide: TurnSlots,
      inject: [ConfigService],
      useFactory: (config: ConfigService<SchedulerEnv, true>) =>
        new TurnSlots(config.get('MAX_CONCURRENT_TURNS', { infer: true })),
    },
    CancelWatch,
    { provide: SessionContexts, useValue: new SessionContexts(SESSION_CONTEXTS_KEPT) },
    SessionLogReader,
    SessionTranscript,
    TurnLogFold,
    TurnGeneration,
    TurnRunner,
    TurnService,
  ],
  exports: [CONTROL_CHANNELS, TurnRunner],
})
export class TurnsModule {}
