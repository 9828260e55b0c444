import type { LoggerService } from '@nestjs/common';
import type { BaseClientOptions } from 'rocketmq-client-nodejs';
import type { ResolvedRocketMQOptions } from '../rocketmq.options';
import { toRocketMQLogger } from './rocketmq-logger';

/** A fresh object per client on purpose: the client writes into the options it receives. */
export function toClientConfiguration(
  options: ResolvedRocketMQOptions,
  logger: LoggerService,
): BaseClientOptions {
  const configuration: BaseClientOptions = {
    endpoints: options.endpoints,
    namespace: options.namespace,
    requestTimeout: options.requestTimeoutMs,
    logger: toRocketMQLogger(logger),
  };
  if (options.credentials) {
    configuration.sessionCredentials = { ...options.credentials };
  }
  return configuration;
}
