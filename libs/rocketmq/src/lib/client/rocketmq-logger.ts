import { format } from 'node:util';
import { Logger, type LoggerService } from '@nestjs/common';
import type { ILogger } from 'rocketmq-client-nodejs';

/**
 * The client logs printf-style (`'%s'` arguments); Nest's Logger does not format. Its `info` lines are
 * routine (every subscription sync), so they go to Nest's debug level.
 */
export function toRocketMQLogger(logger: LoggerService): ILogger {
  return {
    info: (...args: unknown[]) => logger.debug?.(format(...args)),
    warn: (...args: unknown[]) => logger.warn(format(...args)),
    error: (...args: unknown[]) => logger.error(format(...args)),
    debug: (...args: unknown[]) => logger.verbose?.(format(...args)),
  };
}

interface LoggerModule {
  getDefaultLogger: () => ILogger;
}

let routed = false;

/**
 * rocketmq-client-nodejs 1.0.8 builds a file logger in ~/logs/rocketmq for its consume services whatever
 * logger the client was given (they call `getDefaultLogger()` directly). Replace that factory, once per
 * process, so those lines go through Nest's logger too and nothing is written to the home folder.
 */
export function routeClientDefaultLogger(): void {
  if (routed) return;
  // A require, not an import: the module object itself is patched.
  const loggerModule = require('rocketmq-client-nodejs/dist/client/Logger') as LoggerModule;
  const logger = toRocketMQLogger(new Logger('RocketMQClient'));
  loggerModule.getDefaultLogger = () => logger;
  routed = true;
}
