import { endsTurn, TurnEvent } from '@litesession/chat-protocol';
import { io, type Socket } from 'socket.io-client';
import { SeqTracker } from './seq-tracker';

/** A `chat.event` as the client sees it. */
interface ChatEvent {
  seq: number;
  type: string;
  text?: string;
  ts: number;
}

/** What a session client feeds into the worker's measurements. */
export interface SessionMeter {
  /** A token event (`tokens` tokens) written at `ts`, received at `receivedMs` (both epoch ms). */
  token(ts: number, receivedMs: number, tokens: number): void;
}

const RETRY_MS = 100;
const HANDSHAKE_TIMEOUT_MS = 30_000;

/** Epoch milliseconds with sub-millisecond resolution (one clock for every process on this host). */
export const nowMs = (): number => performance.timeOrigin + performance.now();

/**
 * One benchmark session speaking the LiteSession protocol with a bare socket.io-client (the same for
 * every path): handshake, one `chat.send`, then counting (SeqTracker) and timing `chat.event`s. When the
 * connection drops it reconnects at once to the next URL with its `lastSeq` and times the resume.
 */
export class SessionClient {
  sessionId: string | undefined;
  readonly seqs = new SeqTracker();
  turnId: string | undefined;
  turnEnded = false;
  reconnectMs: number | undefined;
  resumeMs: number | undefined;
  /** Writer times (epoch ms) of the `turn.restarted` events it got: when another scheduler took over. */
  readonly restartTs: number[] = [];
  /** Set while the session has lost its connection and not yet had a missed event again. */
  private lostAt: number | undefined;
  private seqAtLoss = -1;
  private reconnectedAt: number | undefined;
  private resumeToken: string | undefined;
  private socket: Socket | undefined;
  private urlIndex = 0;
  private closed = false;
  /** The first `session` answer came: from then on a lost connection is resumed, not an error. */
  private opened = false;

  constructor(
    private readonly urls: readonly string[],
    private readonly meter: SessionMeter,
    private readonly credential?: string,
  ) {}

  get awaitingResume(): boolean {
    return this.lostAt !== undefined;
  }

  /** Connects and resolves on the `session` answer. */
  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('no session answer within 30 s')),
        HANDSHAKE_TIMEOUT_MS,
      );
      this.connect(
        () => {
          clearTimeout(timer);
          resolve();
        },
        (reason) => {
          clearTimeout(timer);
          reject(new Error(reason));
        },
      );
    });
  }

  /** Starts the session's turn; resolves with its id. */
  send(text: string): Promise<string> {
    return new Promise((resolve, reject) => {
      this.socket
        ?.timeout(HANDSHAKE_TIMEOUT_MS)
        .emit('chat.send', { text }, (error: Error | null, answer: { ok: boolean; turnId?: string }) => {
          if (error) return reject(error);
          if (!answer.ok || !answer.turnId)
            return reject(new Error(`chat.send refused: ${JSON.stringify(answer)}`));
          this.turnId = answer.turnId;
          resolve(answer.turnId);
        });
    });
  }

  /** Asks the server to stop the session's turn (LiteSession only; baselines ignore it). */
  cancel(): Promise<boolean> {
    const socket = this.socket;
    if (!socket?.connected || !this.turnId || this.turnEnded) return Promise.resolve(false);
    return new Promise((resolve) => {
      socket
        .timeout(10_000)
        .emit('chat.cancel', { turnId: this.turnId }, (error: Error | null, answer?: { ok: boolean }) =>
          resolve(!error && answer?.ok === true),
        );
    });
  }

  close(): void {
    this.closed = true;
    this.socket?.disconnect();
  }

  private connect(onSession?: () => void, onRefused?: (reason: string) => void): void {
    const url = this.urls[this.urlIndex % this.urls.length] as string;
    const resume =
      this.sessionId && this.resumeToken
        ? { sessionId: this.sessionId, resumeToken: this.resumeToken, lastSeq: this.seqs.lastSeq }
        : {};
    const auth = this.credential === undefined ? resume : { ...resume, token: this.credential };
    const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, auth });
    this.socket = socket;
    socket.on('session', (answer: { sessionId: string; resumeToken: string }) => {
      this.sessionId = answer.sessionId;
      this.resumeToken = answer.resumeToken;
      this.opened = true;
      if (this.lostAt !== undefined && this.reconnectedAt === undefined) {
        this.reconnectedAt = nowMs();
        this.reconnectMs = this.reconnectedAt - this.lostAt;
      }
      onSession?.();
    });
    socket.on('chat.event', (event: ChatEvent) => this.receive(event));
    socket.on('chat.error', (error: { code: string }) => {
      if (!this.opened) onRefused?.(`chat.error ${error.code}`);
    });
    socket.on('connect_error', (error) => {
      if (!this.opened) return onRefused?.(`connect_error: ${error.message}`);
      this.connectionLost();
    });
    socket.on('disconnect', () => {
      if (this.closed) return;
      if (!this.opened) return onRefused?.('disconnected before the session answer');
      this.connectionLost();
    });
  }

  private connectionLost(): void {
    if (this.closed) return;
    if (this.lostAt === undefined) {
      this.lostAt = nowMs();
      this.seqAtLoss = this.seqs.lastSeq;
      this.reconnectedAt = undefined;
    }
    this.urlIndex += 1;
    this.retrySoon();
  }

  private retrySoon(): void {
    if (this.closed) return;
    const dead = this.socket;
    dead?.removeAllListeners();
    dead?.disconnect();
    setTimeout(() => !this.closed && this.connect(), RETRY_MS);
  }

  private receive(event: ChatEvent): void {
    const received = nowMs();
    if (!this.seqs.accept(event.seq)) return;
    if (this.lostAt !== undefined && event.seq > this.seqAtLoss && this.reconnectedAt !== undefined) {
      this.resumeMs = received - this.reconnectedAt;
      this.lostAt = undefined;
    }
    if (event.type === TurnEvent.Token && event.text)
      this.meter.token(event.ts, received, countTokens(event.text));
    else if (event.type === TurnEvent.TurnRestarted) this.restartTs.push(event.ts);
    else if (endsTurn(event.type)) this.turnEnded = true;
  }
}

/** Every token of the simulated models ends with one space. */
function countTokens(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i += 1) if (text.charCodeAt(i) === 32) count += 1;
  return Math.max(count, 1);
}
