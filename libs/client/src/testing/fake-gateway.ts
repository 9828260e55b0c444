import type { AckCallback, HandshakeAuth, SocketLike } from '../lib/types';

/** One request the client emitted, with the acknowledgement callback the fake answers through. */
export interface EmittedRequest {
  event: string;
  payload: Record<string, unknown>;
  ack: AckCallback;
}

/** A scripted stand-in for one socket.io-client socket: the test plays the gateway's side. */
export class FakeSocket implements SocketLike {
  readonly requests: EmittedRequest[] = [];
  disconnected = false;
  private readonly listeners = new Map<string, Array<(payload: unknown) => void>>();

  constructor(
    readonly url: string,
    readonly auth: HandshakeAuth,
  ) {}

  on(event: string, listener: (payload: unknown) => void): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }

  emit(event: string, payload: unknown, ack: AckCallback): this {
    this.requests.push({ event, payload: payload as Record<string, unknown>, ack });
    return this;
  }

  /** Like socket.io-client: a client-side disconnect fires `disconnect` at once. */
  disconnect(): this {
    if (this.disconnected) return this;
    this.disconnected = true;
    this.fire('disconnect', 'io client disconnect');
    return this;
  }

  /** The gateway sends `event`. */
  fire(event: string, payload?: unknown): void {
    for (const listener of this.listeners.get(event) ?? []) listener(payload);
  }

  /** The gateway accepts the handshake. */
  accept(sessionId = 's1', node = 'node-a'): void {
    this.fire('session', { sessionId, resumeToken: `token-${sessionId}`, node });
  }

  /** The gateway relays one `chat.event` of session `s1` (or `sessionId`). */
  event(seq: number, type: string, extra: { turnId?: string; text?: string; sessionId?: string } = {}): void {
    this.fire('chat.event', { sessionId: 's1', seq, type, ts: 1_700_000_000_000 + seq, ...extra });
  }

  /** The transport drops (network loss, node killed). */
  drop(reason = 'transport close'): void {
    this.disconnected = true;
    this.fire('disconnect', reason);
  }

  /** The requests emitted as `event`. */
  sent(event: string): EmittedRequest[] {
    return this.requests.filter((request) => request.event === event);
  }
}

/** Creates `FakeSocket`s for the client's `createSocket` option and keeps them in order. */
export class FakeGateway {
  readonly sockets: FakeSocket[] = [];

  readonly createSocket = (url: string, auth: HandshakeAuth): FakeSocket => {
    const socket = new FakeSocket(url, auth);
    this.sockets.push(socket);
    return socket;
  };

  /** The socket opened last. */
  get last(): FakeSocket {
    const socket = this.sockets.at(-1);
    if (!socket) throw new Error('no socket was opened');
    return socket;
  }
}
