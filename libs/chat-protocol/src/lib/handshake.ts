/**
 * The Socket.IO handshake `auth` (docs/protocol.md, "Handshake"). Every field may be left out; none may
 * be `null`.
 */
export interface HandshakeAuth {
  /** The credential the gateway's authenticator checks, e.g. a JWT; leave out in anonymous mode. */
  token?: string;
  /** Resume this session instead of starting one; needs `resumeToken`. */
  sessionId?: string;
  /** As received in the `session` event of an earlier connection. */
  resumeToken?: string;
  /** The client has every event up to this seq; absent: none, the log is replayed from the start. */
  lastSeq?: number;
}

/** Session ids: what a RocketMQ lite topic name may be. */
export const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** Longest credential a handshake may carry (a JWT with a few claims is well under 2 KiB). */
export const MAX_CREDENTIAL_LENGTH = 8192;
/** Longest resume token the gateway accepts. */
export const MAX_RESUME_TOKEN_LENGTH = 128;
/** Ids a client gives its messages so that a retried `chat.send` names the same turn. */
export const CLIENT_MESSAGE_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** Longest turn id the protocol uses. */
export const MAX_TURN_ID_LENGTH = 128;
