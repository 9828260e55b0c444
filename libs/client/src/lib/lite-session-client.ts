import { Backoff } from './backoff';
import { createClientMessageId, isClientMessageId } from './client-message-id';
import { createSocketIoSocket } from './default-socket';
import { LiteSessionError } from './errors';
import { EventSequencer } from './event-sequencer';
import { PendingRequests } from './pending-requests';
import { isChatEvent, isRecord, parseRenewal, parseSession, toChatError } from './server-payloads';
import { defaultStorage, SessionStore } from './session-store';
import { TurnViews } from './turn-views';
import { TypedEmitter } from './typed-emitter';
import type {
  ConnectionState,
  CredentialSource,
  HandshakeAuth,
  LiteSessionClientEvents,
  LiteSessionClientOptions,
  SocketLike,
  TurnView,
} from './types';

/** A connection that lasted this long resets the reconnect backoff (a shorter one keeps it growing). */
export const STABLE_CONNECTION_MS = 5000;
const DEFAULT_ACK_TIMEOUT_MS = 10_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
// Codes after which reconnecting cannot help: the app decides what to do (docs/protocol.md).
const FATAL_CODES: ReadonlySet<string> = new Set([
  'invalid_session',
  'session_expired',
  'session_moved',
  'invalid_handshake',
  'unauthorized',
]);
// The session itself is gone for this client: forget it, so that the next connect() starts a new one.
const SESSION_GONE: ReadonlySet<string> = new Set(['invalid_session', 'session_expired']);

interface ConnectionFields {
  status: ConnectionState['status'];
  node?: string;
  url?: string;
  attempt: number;
  broker?: ConnectionState['broker'];
}

/**
 * A client of one LiteSession session (docs/protocol.md) over socket.io-client: resumes it across drops,
 * draining nodes and page loads, delivers every `chat.event` once and in order, folds events into turns,
 * and re-sends an unacknowledged `chat.send` with the same `clientMessageId`.
 */
export class LiteSessionClient extends TypedEmitter<LiteSessionClientEvents> {
  private readonly urls: readonly string[];
  private readonly store: SessionStore;
  private readonly openSocket: (url: string, auth: HandshakeAuth) => SocketLike;
  private readonly backoff: Backoff;
  private readonly ackTimeoutMs: number;
  private readonly credential: CredentialSource | undefined;
  private readonly sequencer: EventSequencer;
  private readonly views = new TurnViews();
  private readonly requests: PendingRequests;
  private session: { sessionId: string; resumeToken: string } | undefined;
  private connection: ConnectionFields = { status: 'idle', attempt: 0 };
  private socket: SocketLike | undefined;
  /** True once the current socket got its `session` event. */
  private live = false;
  private connectedAt = 0;
  private urlIndex = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private waiters: Array<{ resolve: (state: ConnectionState) => void; reject: (error: Error) => void }> = [];
  /** Counts connection attempts that fetch a credential first, so that a stale fetch opens nothing. */
  private openAttempt = 0;

  /** @throws TypeError without gateway URLs. */
  constructor(options: LiteSessionClientOptions) {
    super();
    if (!options.urls || options.urls.length === 0)
      throw new TypeError('LiteSessionClient needs gateway urls');
    this.urls = [...options.urls];
    this.store = new SessionStore(options.storage ?? defaultStorage(), options.storageKey ?? 'litesession');
    this.openSocket = options.createSocket ?? createSocketIoSocket;
    this.backoff = new Backoff(options.reconnect);
    this.ackTimeoutMs = options.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS;
    this.credential = options.token;
    const stored = this.store.load();
    if (stored) this.session = { sessionId: stored.sessionId, resumeToken: stored.resumeToken };
    this.sequencer = new EventSequencer(options.replayHistory ? undefined : stored?.lastSeq);
    this.requests = new PendingRequests(
      { socket: () => (this.live ? this.socket : undefined), ackTimedOut: (s) => this.onAckTimeout(s) },
      {
        ackTimeoutMs: this.ackTimeoutMs,
        requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
        backoff: options.reconnect ?? {},
      },
    );
  }

  /** Where the connection stands now. */
  get state(): ConnectionState {
    const state: ConnectionState = { status: this.connection.status, attempt: this.connection.attempt };
    if (this.session) state.sessionId = this.session.sessionId;
    if (this.connection.node !== undefined) state.node = this.connection.node;
    if (this.connection.url !== undefined) state.url = this.connection.url;
    if (this.connection.broker !== undefined) state.broker = this.connection.broker;
    if (this.sequencer.lastSeq !== undefined) state.lastSeq = this.sequencer.lastSeq;
    return state;
  }

  /**
   * Opens the session (the stored one, else a new one) and resolves on the first `session` event; keeps
   * retrying while the gateways are unreachable, `unavailable` or `rate_limited`, and fetching a fresh
   * credential after `token_expired` when `token` is a function.
   * @throws LiteSessionError `unauthorized`, `invalid_session`, `session_expired`, `session_moved`,
   * `invalid_handshake`, `token_expired` (with a fixed `token`), or `closed` on close().
   */
  connect(): Promise<ConnectionState> {
    if (this.connection.status === 'connected') return Promise.resolve(this.state);
    const connected = new Promise<ConnectionState>((resolve, reject) =>
      this.waiters.push({ resolve, reject }),
    );
    if (this.connection.status === 'idle' || this.connection.status === 'closed') {
      this.backoff.reset();
      this.connection.attempt = 0;
      this.open('connecting');
    }
    return connected;
  }

  /**
   * Starts a turn. Until acknowledged it survives drops: it is sent again on the next connection with the
   * same `clientMessageId`, which names the same turn.
   * @throws LiteSessionError `turn_in_progress`, `invalid_payload`, `rate_limited`; `timeout` after
   * `requestTimeoutMs`; `closed`, or the fatal connection error, if the client stops first.
   */
  async send(text: string, options: { clientMessageId?: string } = {}): Promise<{ turnId: string }> {
    this.assertUsable();
    const clientMessageId = options.clientMessageId ?? createClientMessageId();
    if (!isClientMessageId(clientMessageId)) {
      throw new LiteSessionError(
        'invalid_payload',
        'clientMessageId must be 1-64 characters of [A-Za-z0-9_-]',
      );
    }
    const answer = await this.requests.request('chat.send', { text, clientMessageId });
    const turnId = answer['turnId'];
    if (typeof turnId !== 'string') throw new LiteSessionError('invalid_response', 'chat.send: no turnId');
    const view = this.views.accepted(turnId, text);
    if (view) this.emit('turn', { ...view });
    return { turnId };
  }

  /**
   * Stops a queued or running turn; the log then gets its `turn.cancelled`.
   * @throws LiteSessionError `unknown_turn`, `invalid_payload`, `rate_limited`, `timeout`, `closed`.
   */
  async cancel(turnId: string): Promise<void> {
    this.assertUsable();
    await this.requests.request('chat.cancel', { turnId });
  }

  /** The session's turns, in order (copies). */
  turns(): TurnView[] {
    return this.views.list().map((turn) => ({ ...turn }));
  }

  /**
   * Drops the connection as a network failure would: the client resumes by itself (next URL, after the
   * backoff), and unacknowledged requests are sent again. For "simulate a drop" controls and tests.
   */
  dropConnection(): void {
    if (this.connection.status === 'connected' || this.connection.status === 'connecting') this.reconnect();
  }

  /** Disconnects and stops reconnecting; the stored session stays, so a later connect() resumes it. */
  close(): void {
    this.stop(new LiteSessionError('closed', 'The client was closed'));
  }

  /** Closes the connection and forgets the session: the next connect() starts a new one. */
  forgetSession(): void {
    if (this.connection.status !== 'idle' && this.connection.status !== 'closed') this.close();
    this.forgetStored();
    this.views.clear();
    this.emit('state', this.state);
  }

  private open(status: 'connecting' | 'reconnecting'): void {
    const url = this.urls[this.urlIndex % this.urls.length] as string;
    this.setConnection({ status, url, node: undefined, broker: undefined });
    const source = this.credential;
    if (typeof source !== 'function') return this.openWith(url, source);
    // A fresh credential for every attempt; only the newest attempt may open a socket.
    const attempt = (this.openAttempt += 1);
    Promise.resolve()
      .then(source)
      .then((token) => {
        if (attempt !== this.openAttempt || this.connection.status === 'closed') return;
        if (typeof token !== 'string') throw new TypeError('the token function returned no string');
        this.openWith(url, token);
      })
      .catch((error: unknown) => {
        if (attempt !== this.openAttempt || this.connection.status === 'closed') return;
        this.reconnect();
        this.emit(
          'error',
          new LiteSessionError('credential_failed', 'The token function failed', { cause: error }),
        );
      });
  }

  private openWith(url: string, token: string | undefined): void {
    let socket: SocketLike;
    try {
      socket = this.openSocket(url, this.handshakeAuth(token));
    } catch (error) {
      this.reconnect();
      return this.emit(
        'error',
        new LiteSessionError('disconnected', `Could not open ${url}`, { cause: error }),
      );
    }
    this.socket = socket;
    this.live = false;
    const on = (event: string, handler: (payload: unknown) => void): void => {
      socket.on(event, (payload) => {
        if (this.socket === socket) handler(payload);
      });
    };
    on('session', (payload) => this.onSession(payload));
    on('session.renewed', (payload) => this.onRenewal(payload));
    on('chat.event', (payload) => this.onChatEvent(payload));
    on('chat.error', (payload) => this.onChatError(payload));
    on('server.draining', () => this.reconnect());
    on('server.status', (payload) => this.onServerStatus(payload));
    on('connect_error', (error) => this.onTransportError(`Could not connect to ${url}`, error));
    on('disconnect', (reason) => this.onTransportError(`Connection to ${url} lost (${String(reason)})`));
  }

  private handshakeAuth(token: string | undefined): HandshakeAuth {
    const auth: HandshakeAuth = token === undefined ? {} : { token };
    if (!this.session) return auth;
    auth.sessionId = this.session.sessionId;
    auth.resumeToken = this.session.resumeToken;
    if (this.sequencer.lastSeq !== undefined) auth.lastSeq = this.sequencer.lastSeq;
    return auth;
  }

  private onSession(payload: unknown): void {
    const session = parseSession(payload);
    if (this.live || !session) return;
    const { sessionId, resumeToken, node } = session;
    if (sessionId !== this.session?.sessionId) {
      this.sequencer.reset();
      this.views.clear();
    }
    this.session = { sessionId, resumeToken };
    this.persist();
    this.live = true;
    this.connectedAt = Date.now();
    this.setConnection({ status: 'connected', node, attempt: 0, broker: 'ok' });
    const waiters = this.waiters.splice(0);
    waiters.forEach((waiter) => waiter.resolve(this.state));
    this.requests.flush();
  }

  private onServerStatus(payload: unknown): void {
    const broker = isRecord(payload) ? payload['broker'] : undefined;
    if (!this.live || (broker !== 'ok' && broker !== 'unavailable')) return;
    this.setConnection({ broker });
  }

  /** A long-lived connection got a fresh resume token: keep it for the next reconnect. */
  private onRenewal(payload: unknown): void {
    const renewal = parseRenewal(payload);
    if (!this.live || !renewal || !this.session) return;
    this.session = { sessionId: this.session.sessionId, resumeToken: renewal.resumeToken };
    this.persist();
  }

  private onChatEvent(payload: unknown): void {
    if (!this.live || !isChatEvent(payload) || payload.sessionId !== this.session?.sessionId) return;
    const verdict = this.sequencer.accept(payload.seq);
    if (verdict === 'duplicate') return;
    // Events were lost on the way: resume from the last delivered one; the server replays the rest.
    if (verdict === 'gap') return this.reconnect();
    const view = this.views.apply(payload);
    this.emit('event', payload);
    if (view) this.emit('turn', { ...view });
    // Only now: the stored lastSeq never runs ahead of what the app was given.
    this.persist();
  }

  private onChatError(payload: unknown): void {
    const error = toChatError(payload);
    const code = error.code;
    // The client acts first, so that a listener of `error` already sees the new state (e.g. may connect()).
    // An expired credential is fatal only when the client cannot fetch a fresh one.
    const fatal =
      FATAL_CODES.has(code) || (code === 'token_expired' && typeof this.credential !== 'function');
    if (!fatal) {
      this.reconnect(error.retryAfterMs);
    } else {
      if (SESSION_GONE.has(code)) this.forgetStored();
      this.stop(error);
    }
    this.emit('error', error);
  }

  private onTransportError(message: string, cause?: unknown): void {
    this.reconnect();
    this.emit('error', new LiteSessionError('disconnected', message, { cause }));
  }

  private onAckTimeout(socket: SocketLike): void {
    if (socket !== this.socket) return;
    this.reconnect();
    this.emit('error', new LiteSessionError('timeout', `No acknowledgement within ${this.ackTimeoutMs} ms`));
  }

  /** Drops the current connection and opens the next one (next URL) after a backoff delay (at least `minDelayMs`). */
  private reconnect(minDelayMs = 0): void {
    const lastedMs = this.live ? Date.now() - this.connectedAt : 0;
    clearTimeout(this.reconnectTimer);
    this.dropSocket();
    if (lastedMs >= STABLE_CONNECTION_MS) this.backoff.reset();
    this.urlIndex += 1;
    this.setConnection({
      status: 'reconnecting',
      node: undefined,
      broker: undefined,
      url: this.urls[this.urlIndex % this.urls.length],
      attempt: this.connection.attempt + 1,
    });
    this.reconnectTimer = setTimeout(
      () => {
        this.reconnectTimer = undefined;
        this.open('reconnecting');
      },
      Math.max(minDelayMs, this.backoff.next()),
    );
  }

  private stop(error: LiteSessionError): void {
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.dropSocket();
    this.setConnection({ status: 'closed', node: undefined, broker: undefined });
    this.waiters.splice(0).forEach((waiter) => waiter.reject(error));
    this.requests.rejectAll(error);
  }

  private dropSocket(): void {
    const socket = this.socket;
    this.socket = undefined;
    this.live = false;
    this.requests.connectionLost();
    socket?.disconnect();
  }

  private forgetStored(): void {
    this.store.clear();
    this.session = undefined;
    this.sequencer.reset();
  }

  private persist(): void {
    if (this.session) this.store.save({ ...this.session, lastSeq: this.sequencer.lastSeq });
  }

  private setConnection(patch: Partial<ConnectionFields>): void {
    const next = { ...this.connection, ...patch };
    const changed = (Object.keys(next) as Array<keyof typeof next>).some(
      (k) => next[k] !== this.connection[k],
    );
    this.connection = next;
    if (changed) this.emit('state', this.state);
  }

  private assertUsable(): void {
    if (this.connection.status === 'closed') throw new LiteSessionError('closed', 'The client is closed');
    if (this.connection.status === 'idle') throw new LiteSessionError('disconnected', 'Call connect() first');
  }
}
