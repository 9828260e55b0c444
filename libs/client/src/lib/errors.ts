/**
 * Error codes the client reports: the gateway's (`chat.error` and acknowledgement refusals, see
 * docs/protocol.md) and the client's own (`disconnected`, `closed`, `timeout`, `invalid_response`).
 */
export type LiteSessionErrorCode =
  | 'invalid_session'
  | 'session_moved'
  | 'unavailable'
  | 'invalid_handshake'
  | 'invalid_payload'
  | 'turn_in_progress'
  | 'rate_limited'
  | 'unknown_turn'
  | 'disconnected'
  | 'closed'
  | 'timeout'
  | 'invalid_response';

/** An error of the LiteSession protocol or of the client's connection; `code` says which. */
export class LiteSessionError extends Error {
  override name = 'LiteSessionError';

  constructor(
    /** A `LiteSessionErrorCode`, or a code a newer gateway added. */
    readonly code: LiteSessionErrorCode | (string & NonNullable<unknown>),
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
