import type { LoggerService } from '@nestjs/common';
import { toStack } from './describe-error';

/**
 * Last line of defence: a promise rejection nobody handled is logged (with its stack) and counted
 * instead of ending the process, which Node does by default. Every entry point handles its own errors;
 * a count above zero is a bug to fix, and the fuzz suite checks that it stays at zero.
 * Uncaught synchronous exceptions still end the process: its state is unknown after one.
 */
export function logUnhandledRejections(logger: LoggerService, count: () => void): void {
  process.on('unhandledRejection', (reason: unknown) => {
    count();
    logger.error(`Unhandled promise rejection (a bug; the process keeps serving): ${toStack(reason)}`);
  });
}
