import type { ChatEventPayload, HandshakeAuth } from '@litesession/chat-protocol';
import type { LiteSessionError } from './errors';

export type { HandshakeAuth };

/**
 * One event of the session's log, as pushed by the gateway in `chat.event` (docs/protocol.md): the wire
 * contract's payload, with `turnId` left out rather than undefined when an event has none.
 */
export interface ChatEvent extends Omit<ChatEventPayload, 'turnId'> {
  turnId?: string;
}

/** What the log says about one turn, folded for display. */
export interface TurnView {
  turnId: string;
  /** The text of the turn's `user.message` (empty until it arrives). */
  userText: string;
  /** The reply so far: token texts since the last `turn.started`/`turn.restarted`; the ending's text once ended. */
  text: string;
  status: 'queued' | 'streaming' | 'completed' | 'failed' | 'cancelled';
  /** How many `turn.restarted` events the turn had. */
  restarts: number;
  /** The reason of a `turn.failed`. */
  error?: string;
  /** The model that answers, from the turn's latest `turn.started` / `turn.restarted`. */
  model?: string;
}

/** Where the client's connection stands. */
export interface ConnectionState {
  status: 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';
  sessionId?: string;
  /** The id of the gateway node serving the session. */
  node?: string;
  /** The gateway URL of the current (or last) connection attempt. */
  url?: string;
  /** The seq of the last event delivered to the app. */
  lastSeq?: number;
  /** Reconnect attempts since the client was last connected. */
  attempt: number;
  /**
   * While connected: whether the gateway reaches the broker (`server.status`). While `unavailable` the
   * stream is paused and requests may be refused with `unavailable`; nothing is lost.
   */
  broker?: 'ok' | 'unavailable';
}

/** The subset of the Web Storage API the client uses (`localStorage` fits). */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Acknowledgement callback of a client → server event. */
export type AckCallback = (answer: unknown) => void;

/** The subset of a socket.io-client `Socket` the client uses; tests pass fakes through `createSocket`. */
export interface SocketLike {
  on(event: string, listener: (payload: unknown) => void): unknown;
  emit(event: string, payload: unknown, ack: AckCallback): unknown;
  disconnect(): unknown;
}

/**
 * The credential the gateway checks (e.g. a JWT from your identity provider), or a function that returns a
 * fresh one; a function is called before every connection attempt, so an expired credential is replaced
 * (like Ably's `authCallback`).
 */
export type CredentialSource = string | (() => string | Promise<string>);

/** Options of `LiteSessionClient`. */
export interface LiteSessionClientOptions {
  /** Gateway URLs, tried round-robin on reconnect. */
  urls: readonly string[];
  /** Sent as the handshake's `token`; leave out only when the gateways run in anonymous mode. */
  token?: CredentialSource;
  /** Where the session id, resume token and lastSeq are kept. @default globalThis.localStorage when present, else in memory */
  storage?: KeyValueStorage;
  /** The storage key. @default 'litesession' */
  storageKey?: string;
  /** Jittered exponential backoff between reconnect attempts. @default { initialDelayMs: 250, maxDelayMs: 5000 } */
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number };
  /** Opens a socket. @default socket.io-client `io(url, { transports: ['websocket'], auth, reconnection: false, forceNew: true })` */
  createSocket?: (url: string, auth: HandshakeAuth) => SocketLike;
  /** How long an acknowledgement may take before the connection is considered broken and replaced. @default 10000 */
  ackTimeoutMs?: number;
  /** How long `send()` and `cancel()` keep retrying (across drops and `unavailable`) before rejecting with `timeout`. @default 60000 */
  requestTimeoutMs?: number;
  /**
   * Ask for the session's whole log on this client's first connection (ignoring the stored lastSeq), so
   * that `turns()` shows the whole conversation after a page reload. @default false
   */
  replayHistory?: boolean;
}

/** Events of `LiteSessionClient`, by name. */
export interface LiteSessionClientEvents {
  event: ChatEvent;
  turn: TurnView;
  state: ConnectionState;
  error: LiteSessionError;
}
