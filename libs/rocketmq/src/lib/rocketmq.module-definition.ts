import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { RocketMQModuleOptions } from './rocketmq.options';

export const {
  ConfigurableModuleClass: RocketMQConfigurableModule,
  MODULE_OPTIONS_TOKEN: ROCKETMQ_OPTIONS,
  OPTIONS_TYPE: ROCKETMQ_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: ROCKETMQ_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<RocketMQModuleOptions>()
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: false }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();
