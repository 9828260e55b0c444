import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { SchedulerEnv } from '../config/scheduler.env';
import { LlmProvider } from './llm-provider';
import { OpenAiLlmProvider } from './openai-llm.provider';
import { SimulatedLlmProvider } from './simulated-llm.provider';

/** Provides the LlmProvider chosen by LLM_PROVIDER. */
@Module({
  providers: [
    {
      provide: LlmProvider,
      inject: [ConfigService],
      useFactory: (config: ConfigService<SchedulerEnv, true>): LlmProvider => {
        if (config.get('LLM_PROVIDER', { infer: true }) === 'openai') {
          return new OpenAiLlmProvider({
            baseURL: config.get('LLM_BASE_URL', { infer: true }),
            apiKey: config.get('LLM_API_KEY', { infer: true }) ?? '',
            model: config.get('LLM_MODEL', { infer: true }) ?? '',
          });
        }
        return new SimulatedLlmProvider({
          tokensPerSecond: config.get('SIM_TOKENS_PER_SECOND', { infer: true }),
          replyTokens: config.get('SIM_REPLY_TOKENS', { infer: true }),
        });
      },
    },
  ],
  exports: [LlmProvider],
})
export class LlmModule {}
