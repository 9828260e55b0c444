import type { ChatErrorPayload } from './errors';

/** `session`: sent once per connection, before any `chat.event`. */
export interface SessionPayload {
  sessionId: string;
  /** Present it with `sessionId` to resume; re-issued on every connect. */
  resumeToken: string;
  /** When `resumeToken` stops being accepted, in milliseconds since the epoch. */
  resumeTokenExpiresAt: number;
  /** The gateway node serving this connection. */
  node: string;
}

/** `session.renewed`: a fresh resume token for a connection that outlives the one in `session`. */
export interface SessionRenewedPayload {
  resumeToken: string;
  resumeTokenExpiresAt: number;
}

/** `chat.event`: one event of the session's log. */
export interface ChatEventPayload {
  sessionId: string;
  /** 0, 1, 2, … per session, with no gaps, the same for every reader. */
  seq: number;
  turnId: string | undefined;
  type: string;
  text?: string;
  /** Milliseconds since the epoch, set by the writer. */
  ts: number;
  /** The writer's attempt at the turn: after a `turn.restarted`, only its attempt's events count. */
  attempt?: string;
  /** On `turn.started` and `turn.restarted`: the model that answers (e.g. `simulated`). */
  model?: string;
}

/**
 * `server.status`: whether the node can reach the broker that holds the session logs. Sent to every
 * socket when it changes, and after `session` when it is not `ok`. While `unavailable`, the stream is
 * paused (events resume, none lost, once it is `ok` again) and requests may be refused with `unavailable`.
 */
export interface ServerStatusPayload {
  broker: 'ok' | 'unavailable';
}

/** Server → client events of the Socket.IO protocol (docs/protocol.md). */
export interface ServerToClientEvents {
  session: (payload: SessionPayload) => void;
  'session.renewed': (payload: SessionRenewedPayload) => void;
  'chat.event': (payload: ChatEventPayload) => void;
  'chat.error': (payload: ChatErrorPayload) => void;
  'server.draining': (payload: Record<string, never>) => void;
  'server.status': (payload: ServerStatusPayload) => void;
}
