import { HttpStatus } from '@nestjs/common';
import type { AckErrorCode, ConnectionErrorCode } from '@litesession/chat-protocol';

export type RefusalCode = ConnectionErrorCode | AckErrorCode;

/** The JSON body of every refused HTTP request (docs/protocol.md, "HTTP and SSE"). */
export interface HttpErrorBody {
  error: { code: RefusalCode; message: string; retryAfterMs?: number };
}

/** The protocol's typed errors as HTTP statuses: one code, one status, on every route. */
export const STATUS_OF: Readonly<Record<RefusalCode, HttpStatus>> = {
  invalid_handshake: HttpStatus.BAD_REQUEST,
  invalid_payload: HttpStatus.BAD_REQUEST,
  unauthorized: HttpStatus.UNAUTHORIZED,
  token_expired: HttpStatus.UNAUTHORIZED,
  invalid_session: HttpStatus.NOT_FOUND,
  unknown_turn: HttpStatus.NOT_FOUND,
  session_expired: HttpStatus.GONE,
  session_moved: HttpStatus.CONFLICT,
  turn_in_progress: HttpStatus.CONFLICT,
  rate_limited: HttpStatus.TOO_MANY_REQUESTS,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
};

/** A refusal in the protocol's terms, thrown by a route and answered by HttpErrorFilter. */
export class HttpRefusal extends Error {
  constructor(
    readonly code: RefusalCode,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'HttpRefusal';
  }

  get status(): HttpStatus {
    return STATUS_OF[this.code];
  }

  toBody(): HttpErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.retryAfterMs === undefined ? {} : { retryAfterMs: this.retryAfterMs }),
      },
    };
  }
}
