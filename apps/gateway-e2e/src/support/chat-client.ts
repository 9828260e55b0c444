import type { Socket } from 'socket.io-client';
import { AttemptFence } from '@litesession/chat-protocol';
import type { ChatEvent } from '@litesession/client';
import { eventually } from '@litesession/rocketmq/testing';

export type { ChatEvent };
import { E2E_USER, type GatewayProcess } from './gateway-process';

export type { SessionPayload as SessionInfo } from '@litesession/chat-protocol';
import type { SessionPayload as SessionInfo } from '@litesession/chat-protocol';

export interface Ack {
  ok: boolean;
  turnId?: string;
  error?: { code: string; message: string };
}

/**
 * A Socket.IO client of the session protocol as an app would write one: it keeps every `chat.event` it
 * got, across connections, and resumes with its `lastSeq` on whichever node it is pointed at.
 */
export class ChatClient {
  readonly events: ChatEvent[] = [];
  readonly errors: Array<{ code: string; message: string }> = [];
  drainingNotices = 0;
  session: SessionInfo | undefined;
  private socket: Socket | undefined;

  /** @param user whose JWT the client presents (see GatewayProcess.connect) */
  constructor(readonly user = E2E_USER) {}

  /** Opens a new session on `gateway`. */
  static async start(gateway: GatewayProcess, user = E2E_USER): Promise<ChatClient> {
    const client = new ChatClient(user);
    await client.connectTo(gateway);
    return client;
  }

  /** Opens `other`'s session as another device would, on `gateway`: the same user and resume token, from seq 0. */
  static async joining(other: ChatClient, gateway: GatewayProcess): Promise<ChatClient> {
    if (!other.session) throw new Error('the other client has no session yet');
    const client = new ChatClient(other.user);
    client.session = other.session;
    await client.connectTo(gateway);
    return client;
  }

  /** The highest seq received, or undefined before the first event. */
  get lastSeq(): number | undefined {
    return this.events.at(-1)?.seq;
  }

  get connected(): boolean {
    return this.socket?.connected === true;
  }

  /** Connects (or reconnects, resuming the session after `lastSeq`) and waits for the `session` event. */
  async connectTo(gateway: GatewayProcess): Promise<SessionInfo> {
    this.socket?.disconnect();
    const auth: Record<string, unknown> = {};
    if (this.session) {
      auth['sessionId'] = this.session.sessionId;
      auth['resumeToken'] = this.session.resumeToken;
      if (this.lastSeq !== undefined) auth['lastSeq'] = this.lastSeq;
    }
    const socket = gateway.connect(auth, this.user);
    this.socket = socket;
    socket.on('chat.event', (event: ChatEvent) => this.events.push(event));
    socket.on('chat.error', (error: { code: string; message: string }) => this.errors.push(error));
    socket.on('server.draining', () => (this.drainingNotices += 1));
    const info = await new Promise<SessionInfo>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no session event from ${gateway.nodeId}`)), 30_000);
      socket.once('session', (payload: SessionInfo) => {
        clearTimeout(timer);
        resolve(payload);
      });
      socket.once('chat.error', (error: { code: string }) => {
        clearTimeout(timer);
        reject(new Error(`refused: ${error.code}`));
      });
    });
    this.session = info;
    return info;
  }

  send(text: string, clientMessageId?: string): Promise<Ack> {
    return this.emit('chat.send', clientMessageId === undefined ? { text } : { text, clientMessageId });
  }

  cancel(turnId: string): Promise<Ack> {
    return this.emit('chat.cancel', { turnId });
  }

  emit(event: string, payload: unknown): Promise<Ack> {
    if (!this.socket) throw new Error('not connected');
    return this.socket.timeout(10_000).emitWithAck(event, payload) as Promise<Ack>;
  }

  disconnect(): void {
    this.socket?.disconnect();
  }

  /** Waits until the socket is closed (by the server or the network). */
  waitDisconnected(timeoutMs = 30_000): Promise<void> {
    return eventually(() => !this.connected, timeoutMs, 'the connection to close');
  }

  waitFor(check: (events: readonly ChatEvent[]) => boolean, what: string, timeoutMs = 60_000): Promise<void> {
    return eventually(() => check(this.events), timeoutMs, what);
  }

  /** Waits for an event of `type` (of `turnId`, when given) and returns it. */
  async waitForEvent(type: string, turnId?: string, timeoutMs = 60_000): Promise<ChatEvent> {
    const find = () =>
      this.events.find((e) => e.type === type && (turnId === undefined || e.turnId === turnId));
    await eventually(() => find() !== undefined, timeoutMs, `${type}${turnId ? ` of ${turnId}` : ''}`);
    return find() as ChatEvent;
  }

  tokensOf(turnId: string): ChatEvent[] {
    return this.events.filter((e) => e.turnId === turnId && e.type === 'token');
  }
}

/** seq 0, 1, 2, … with nothing missing and nothing twice. */
export function expectGapless(events: readonly ChatEvent[]): void {
  expect(events.map((e) => e.seq)).toEqual(events.map((_, index) => index));
}

/**
 * The turn's `token` texts since its last start (turn.started or turn.restarted) add up to its
 * `turn.completed` text, counting only the events of the attempts that count (docs/protocol.md,
 * "Restarts"); returns that text.
 */
export function expectTokensMatchReply(events: readonly ChatEvent[], turnId: string): string {
  const fence = new AttemptFence();
  const ofTurn = events.filter((e) => e.turnId === turnId && fence.admits(e));
  const completed = ofTurn.findLast((e) => e.type === 'turn.completed');
  expect(completed).toBeDefined();
  const lastStart = ofTurn.findLastIndex((e) => e.type === 'turn.started' || e.type === 'turn.restarted');
  const tokens = ofTurn.slice(lastStart + 1).filter((e) => e.type === 'token');
  expect(tokens.map((e) => e.text).join('')).toBe(completed?.text);
  return completed?.text ?? '';
}
