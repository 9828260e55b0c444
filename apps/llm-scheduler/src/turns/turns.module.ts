import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { CHAT_CONTROL_TOPIC } from '@litesession/chat-protocol';
import { provideSessionChannels } from '@litesession/rocketmq';
import { SCHEDULER_CONTROL_GROUP } from '../config/consumer-groups';
import type { SchedulerEnv } from '../config/scheduler.env';
import { LlmModule } from '../llm/llm.module';
import { CancelWatch, CONTROL_CHANNELS } from './cancel-watch';
import { ChatRequestsController } from './chat-requests.controller';
import { SessionLogReader } from './session-log-reader';
import { TurnRunner } from './turn-runner';
import { TurnService } from './turn.service';
import { TurnSlots } from './turn-slots';

@Module({
  imports: [LlmModule],
  controllers: [ChatRequestsController],
  providers: [
    provideSessionChannels(CONTROL_CHANNELS, {
      parentTopic: CHAT_CONTROL_TOPIC,
      consumerGroup: SCHEDULER_CONTROL_GROUP,
    }),
    {
      provide: TurnSlots,
      inject: [ConfigService],
      useFactory: (config: ConfigService<SchedulerEnv, true>) =>
        new TurnSlots(config.get('MAX_CONCURRENT_TURNS', { infer: true })),
    },
    CancelWatch,
    SessionLogReader,
    TurnRunner,
    TurnService,
  ],
  exports: [CONTROL_CHANNELS, TurnRunner],
})
export class TurnsModule {}
