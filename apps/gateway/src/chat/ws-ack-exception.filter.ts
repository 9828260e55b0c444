import { type ArgumentsHost, BadRequestException, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import { refused } from '@litesession/chat-protocol';

/**
 * Answers a failed client → server event through its acknowledgement, as the protocol says, instead of
 * Nest's default `exception` event: validation errors become `invalid_payload`, anything else `unavailable`.
 */
@Catch()
export class WsAckExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(WsAckExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const ack = host.getArgs().find((arg): arg is (answer: unknown) => void => typeof arg === 'function');
    if (exception instanceof BadRequestException) {
      const response = exception.getResponse() as { message?: string | string[] };
      const detail = Array.isArray(response.message)
        ? response.message.join('; ')
        : String(response.message ?? 'invalid payload');
      ack?.(refused('invalid_payload', detail));
      return;
    }
    this.logger.error(
      `Unexpected error in a socket event handler: ${exception instanceof Error ? exception.stack : String(exception)}`,
    );
    ack?.(refused('unavailable', 'The request could not be handled; try again'));
  }
}
