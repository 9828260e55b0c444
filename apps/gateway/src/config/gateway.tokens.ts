/** Injection token of this gateway node's id (shown to clients in the `session` event). */
export const GATEWAY_NODE_ID = Symbol('GATEWAY_NODE_ID');

/** Injection token of the per-socket limits (docs/protocol.md). */
export const CHAT_LIMITS = Symbol('CHAT_LIMITS');

export interface ChatLimits {
  /** Longest `chat.send` text, in characters. */
  maxTextChars: number;
  /** Client → server events per second per socket (a burst of as many is allowed). */
  eventsPerSecond: number;
}

/** Injection token: how long clients get between \`server.draining\` and the disconnect at shutdown (ms). */
export const DRAIN_GRACE_MS = Symbol('DRAIN_GRACE_MS');

/** Injection token of the resending of requests the session's log does not show (RequestResender). */
export const REQUEST_RESENDS = Symbol('REQUEST_RESENDS');

export interface RequestResends {
  /** Time between a request (or its last copy) and the next copy, in milliseconds. */
  afterMs: number;
  /** Copies at most, per request. */
  times: number;
}
