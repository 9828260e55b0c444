import { type ArgumentsHost, Catch, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Request, Response } from 'express';
import { HttpRefusal } from './http-refusal';

/** The routes of the protocol's HTTP face; the others (health, metrics, the demo) keep Nest's answers. */
export const PROTOCOL_PATH_PREFIX = '/v1/';

/**
 * Every failure of a protocol route as the protocol's typed error: HttpRefusal as its status, a refused
 * body (malformed JSON, validation, too large) as `invalid_payload`, anything else as `unavailable` with
 * the details in the log only. Global (APP_FILTER) so that it also answers the body parser's errors,
 * which come before any route; Nest applies no global filter to the Socket.IO gateways.
 */
@Catch()
export class HttpErrorFilter extends BaseExceptionFilter {
  private readonly logger = new Logger(HttpErrorFilter.name);

  override catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<Request>();
    if (host.getType() !== 'http' || !request.path.startsWith(PROTOCOL_PATH_PREFIX)) {
      return super.catch(exception, host);
    }
    const response = host.switchToHttp().getResponse<Response>();
    const refusal = this.toRefusal(exception);
    // An SSE stream that has begun cannot change its status; its handler tells the client in the stream.
    if (response.headersSent) {
      response.end();
      return;
    }
    if (refusal.retryAfterMs !== undefined) {
      response.setHeader('Retry-After', String(Math.ceil(refusal.retryAfterMs / 1000)));
    }
    response.status(refusal.status).json(refusal.toBody());
  }

  private toRefusal(exception: unknown): HttpRefusal {
    if (exception instanceof HttpRefusal) return exception;
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status === HttpStatus.BAD_REQUEST || status === HttpStatus.PAYLOAD_TOO_LARGE) {
        return new HttpRefusal('invalid_payload', detailOf(exception));
      }
    }
    this.logger.error(
      `Unexpected error in an HTTP route: ${exception instanceof Error ? exception.stack : String(exception)}`,
    );
    return new HttpRefusal('unavailable', 'The request could not be handled; try again');
  }
}

function detailOf(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}
