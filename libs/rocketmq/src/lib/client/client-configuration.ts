import type { LoggerService } from '@nestjs/common';
import type { BaseClientOptions } from 'rocketmq-client-nodejs';
import type { ResolvedRocketMQOptions } from '../rocketmq.options';
import { useShortReconnectBackoff } from './reconnect-backoff';
import { toRocketMQLogger } from './rocketmq-logger';

/**
 * A fresh object per client on purpose: the client writes into the options it receives. Every client is
 * configured here, so this is also where its channels get their short reconnect backoff.
 */
export function toClientConfiguration(
  options: ResolvedRocketMQOptions,
  logger: LoggerService,
): BaseClientOptions {
  useShortReconnectBackoff();
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
