import type { AckErrorCode, ConnectionErrorCode } from '@litesession/chat-protocol';

/**
 * Error codes the client reports: the gateway's (`chat.error` and acknowledgement refusals, see
 * docs/protocol.md) and the client's own (`disconnected`, `closed`, `timeout`, `invalid_response`,
 * `credential_failed`).
 */
export type LiteSessionErrorCode =
  | ConnectionErrorCode
  | AckErrorCode
  | 'disconnected'
  | 'closed'
  | 'timeout'
  | 'invalid_response'
  /** The `token` function threw or returned no string. */
  | 'credential_failed';

/** An error of the LiteSession protocol or of the client's connection; `code` says which. */
export class LiteSessionError extends Error {
  override name = 'LiteSessionError';

  constructor(
    /** A `LiteSessionErrorCode`, or a code a newer gateway added. */
    readonly code: LiteSessionErrorCode | (string & NonNullable<unknown>),
    message: string,
    options?: { cause?: unknown; retryAfterMs?: number },
  ) {
    super(message, options);
    if (options?.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }

  /** With `rate_limited`: how long the gateway asked the client to wait. */
  readonly retryAfterMs?: number;
}
