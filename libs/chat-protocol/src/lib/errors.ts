/**
 * `chat.error` codes: a connection-level refusal, after which the server disconnects (docs/protocol.md).
 */
export const ConnectionErrorCodes = [
  /** `auth` is malformed: wrong types, unknown fields, null, a session id without its token, too large. */
  'invalid_handshake',
  /** The credential is missing or was refused (bad signature, wrong audience or issuer, not yet valid). */
  'unauthorized',
  /** The credential has expired: get a fresh one and connect again. */
  'token_expired',
  /** Unknown session, or a resume token that is not this user's token of this session. */
  'invalid_session',
  /** A valid resume token past its expiry: start a new session. */
  'session_expired',
  /** Another connection took the session over (docs/protocol.md, "Several connections"). */
  'session_moved',
  /** Too many new connections or sessions from this address or user: retry after `retryAfterMs`. */
  'rate_limited',
  /** This node cannot serve the session now (shutting down, at capacity, broker trouble): reconnect. */
  'unavailable',
] as const;
export type ConnectionErrorCode = (typeof ConnectionErrorCodes)[number];

/** Payload of `chat.error`. */
export interface ChatErrorPayload {
  code: ConnectionErrorCode;
  message: string;
  /** With `rate_limited`: how long to wait before connecting again. */
  retryAfterMs?: number;
}

/** Refusal codes in the acknowledgement of a client → server event. */
export const AckErrorCodes = [
  'invalid_payload',
  'turn_in_progress',
  'rate_limited',
  'unavailable',
  'unknown_turn',
] as const;
export type AckErrorCode = (typeof AckErrorCodes)[number];

/** Acknowledgement of a client → server event. */
export type ChatAckRefusal = { ok: false; error: { code: AckErrorCode; message: string } };
export type ChatAck<T extends object = object> = ({ ok: true } & T) | ChatAckRefusal;

export const refused = (code: AckErrorCode, message: string): ChatAckRefusal => ({
  ok: false,
  error: { code, message },
});
