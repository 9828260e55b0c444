import { chatErrorAction } from './chat-error-policy';
import { clientMessageIdFor } from './client-message-id';
import { ConnectionStatus, type ConnectionFields } from './connection-status';
import { CurrentSocket } from './current-socket';
import { createSocketIoSocket } from './default-socket';
import { LiteSessionError } from './errors';
import { PendingRequests } from './pending-requests';
import { ReconnectSchedule } from './reconnect-schedule';
import { isChatEvent, parseRenewal, parseServerStatus, parseSession, toChatError } from './server-payloads';
import { SessionCursor } from './session-cursor';
import { defaultStorage, SessionStore } from './session-store';
import { SocketOpener } from './socket-opener';
import { TurnViews } from './turn-views';
import { TypedEmitter } from './typed-emitter';
import type {
  ConnectionState,
  LiteSessionClientEvents,
  LiteSessionClientOptions,
  SocketLike,
  TurnView,
} from './types';

export { STABLE_CONNECTION_MS } from './reconnect-schedule';
const DEFAULT_ACK_TIMEOUT_MS = 10_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
/** No node and no broker state while not connected. */
const OFFLINE = { node: undefined, broker: undefined } as const;

/**
 * A client of one LiteSession session (docs/protocol.md) over socket.io-client: resumes it across drops,
 * draining nodes and page loads, delivers every `chat.event` once and in order, folds events into turns,
 * and re-sends an unacknowledged `chat.send` with the same `clientMessageId`.
 */
export class LiteSessionClient extends TypedEmitter<LiteSessionClientEvents> {
  private readonly cursor: SessionCursor;
  private readonly schedule: ReconnectSchedule;
  private readonly opener: SocketOpener;
  private readonly ackTimeoutMs: number;
  private readonly views = new TurnViews();
  private readonly requests: PendingRequests;
  private readonly connection = new ConnectionStatus();
  private readonly socket = new CurrentSocket();

  /** @throws TypeError without gateway URLs. */
  constructor(options: LiteSessionClientOptions) {
    super();
    if (!options.urls || options.urls.length === 0)
      throw new TypeError('LiteSessionClient needs gateway urls');
    const store = new SessionStore(options.storage ?? defaultStorage(), options.storageKey ?? 'litesession');
    this.cursor = new SessionCursor(store, options.replayHistory === true);
    this.schedule = new ReconnectSchedule([...options.urls], options.reconnect);
    this.opener = new SocketOpener(options.createSocket ?? createSocketIoSocket, options.token, {
      handshake: (token) => this.cursor.handshake(token),
      opened: (socket, url) => this.listenTo(socket, url),
      failed: (error) => {
        this.reconnect();
        this.emit('error', error);
      },
    });
    this.ackTimeoutMs = options.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS;
    this.requests = new PendingRequests(
      { socket: () => this.socket.live, ackTimedOut: (s) => this.onAckTimeout(s) },
      {
        ackTimeoutMs: this.ackTimeoutMs,
        requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
        backoff: options.reconnect ?? {},
      },
    );
  }

  /** Where the connection stands now. */
  get state(): ConnectionState {
    return this.connection.snapshot({ sessionId: this.cursor.sessionId, lastSeq: this.cursor.lastSeq });
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
    const connected = this.connection.waitUntilConnected();
    if (this.connection.status === 'idle' || this.connection.status === 'closed') {
      this.schedule.restart();
      this.connection.patch({ attempt: 0 });
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
    this.connection.assertUsable();
    const clientMessageId = clientMessageIdFor(options.clientMessageId);
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
    this.connection.assertUsable();
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
    this.cursor.forget();
    this.views.clear();
    this.emit('state', this.state);
  }

  private open(status: 'connecting' | 'reconnecting'): void {
    this.setConnection({ ...OFFLINE, status, url: this.schedule.url });
    this.opener.open(this.schedule.url);
  }

  private listenTo(socket: SocketLike, url: string): void {
    this.socket.attach(socket, {
      session: (payload) => this.onSession(payload),
      'session.renewed': (payload) => this.onRenewal(payload),
      'chat.event': (payload) => this.onChatEvent(payload),
      'chat.error': (payload) => this.onChatError(payload),
      'server.draining': () => this.reconnect(),
      'server.status': (payload) => this.onServerStatus(payload),
      connect_error: (error) => this.onTransportError(`Could not connect to ${url}`, error),
      disconnect: (reason) => this.onTransportError(`Connection to ${url} lost (${String(reason)})`),
    });
  }

  private onSession(payload: unknown): void {
    const session = parseSession(payload);
    if (this.socket.isLive || !session) return;
    const { sessionId, resumeToken, node } = session;
    if (this.cursor.adopt(sessionId, resumeToken)) this.views.clear();
    this.socket.markLive();
    this.setConnection({ status: 'connected', node, attempt: 0, broker: 'ok' });
    this.connection.connected(this.state);
    this.requests.flush();
  }

  private onServerStatus(payload: unknown): void {
    const broker = parseServerStatus(payload);
    if (this.socket.isLive && broker) this.setConnection({ broker });
  }

  /** A long-lived connection got a fresh resume token: keep it for the next reconnect. */
  private onRenewal(payload: unknown): void {
    const renewal = parseRenewal(payload);
    if (this.socket.isLive && renewal) this.cursor.renew(renewal.resumeToken);
  }

  private onChatEvent(payload: unknown): void {
    if (!this.socket.isLive || !isChatEvent(payload) || payload.sessionId !== this.cursor.sessionId) return;
    const verdict = this.cursor.accept(payload.seq);
    if (verdict === 'duplicate') return;
    // Events were lost on the way: resume from the last delivered one; the server replays the rest.
    if (verdict === 'gap') return this.reconnect();
    const view = this.views.apply(payload);
    this.emit('event', payload);
    if (view) this.emit('turn', { ...view });
    this.cursor.delivered();
  }

  private onChatError(payload: unknown): void {
    const error = toChatError(payload);
    // The client acts first, so that a listener of `error` already sees the new state (e.g. may connect()).
    const action = chatErrorAction(error.code, this.opener.refreshesCredential);
    if (action === 'reconnect') {
      this.reconnect(error.retryAfterMs);
    } else {
      if (action === 'forget-and-stop') this.cursor.forget();
      this.stop(error);
    }
    this.emit('error', error);
  }

  private onTransportError(message: string, cause?: unknown): void {
    this.reconnect();
    this.emit('error', new LiteSessionError('disconnected', message, { cause }));
  }

  private onAckTimeout(socket: SocketLike): void {
    if (!this.socket.is(socket)) return;
    this.reconnect();
    this.emit('error', new LiteSessionError('timeout', `No acknowledgement within ${this.ackTimeoutMs} ms`));
  }

  /** Drops the current connection and opens the next one (next URL) after a backoff delay (at least `minDelayMs`). */
  private reconnect(minDelayMs = 0): void {
    const lastedMs = this.dropSocket();
    this.schedule.next(lastedMs, minDelayMs, () => this.open('reconnecting'));
    const attempt = this.connection.attempt + 1;
    this.setConnection({ ...OFFLINE, status: 'reconnecting', url: this.schedule.url, attempt });
  }

  private stop(error: LiteSessionError): void {
    this.schedule.cancel();
    this.dropSocket();
    this.setConnection({ ...OFFLINE, status: 'closed' });
    this.connection.failed(error);
    this.requests.rejectAll(error);
  }

  /** Returns how long the dropped connection was live. */
  private dropSocket(): number {
    const lastedMs = this.socket.drop();
    this.opener.abandon(); // a credential still being fetched opens nothing now
    this.requests.connectionLost();
    return lastedMs;
  }

  private setConnection(patch: Partial<ConnectionFields>): void {
    if (this.connection.patch(patch)) this.emit('state', this.state);
  }
}
