// A bare socket.io-client session that runs turns one at a time and times them (the conversation and
// history-memory scenarios).
import { io, type Socket } from 'socket.io-client';
import { TurnEvent } from '@litesession/chat-protocol';
import type { RunningPath } from '../paths/bench-path';
import { nowMs } from './session-client';

const TURN_DEADLINE_MS = 60_000;

interface ChatEvent {
  seq: number;
  type: string;
  turnId?: string;
}

/** A session to come back to: what a resume handshake presents. */
export interface SessionTicket {
  sessionId: string;
  resumeToken: string;
  /** Events in its log when it was left (lastSeq + 1). */
  events: number;
}

/** One session with a bare socket.io-client; its turns run one at a time. */
export class Conversation {
  events = 0;
  private waiter: ((event: ChatEvent, receivedAt: number) => void) | undefined;

  private constructor(
    private readonly socket: Socket,
    private readonly session: { sessionId: string; resumeToken: string },
  ) {
    socket.on('chat.event', (event: ChatEvent) => {
      this.events = Math.max(this.events, event.seq + 1);
      this.waiter?.(event, nowMs());
    });
  }

  /**
   * A new session on the path's first gateway (or `url`); with `ticket`, that session resumed after its
   * last event, so nothing is replayed.
   */
  static open(
    running: RunningPath,
    url = running.gatewayUrls[0] as string,
    ticket?: SessionTicket,
  ): Promise<Conversation> {
    const resume = ticket
      ? { sessionId: ticket.sessionId, resumeToken: ticket.resumeToken, lastSeq: ticket.events - 1 }
      : {};
    const auth = running.credential === undefined ? resume : { ...resume, token: running.credential };
    const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, auth });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no session answer from ${url}`)), 30_000);
      socket.once('session', (session: { sessionId: string; resumeToken: string }) => {
        clearTimeout(timer);
        const conversation = new Conversation(socket, session);
        if (ticket) conversation.events = ticket.events;
        resolve(conversation);
      });
      socket.once('chat.error', (error: { code: string }) => {
        clearTimeout(timer);
        reject(new Error(`refused: ${error.code}`));
      });
    });
  }

  /** Sends `text` and waits for the turn's end; times its `turn.started` and first token from the send. */
  async turn(text: string): Promise<{ startedMs: number; firstTokenMs: number }> {
    const sentAt = nowMs();
    let startedAt: number | undefined;
    let firstTokenAt: number | undefined;
    let turnId: string | undefined;
    const early: Array<[ChatEvent, number]> = [];
    const ended = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`turn "${text}" did not end within 60 s`)),
        TURN_DEADLINE_MS,
      );
      const see = (event: ChatEvent, receivedAt: number) => {
        if (turnId === undefined) return void early.push([event, receivedAt]);
        if (event.turnId !== turnId) return;
        if (event.type === TurnEvent.TurnStarted) startedAt ??= receivedAt;
        if (event.type === TurnEvent.Token) firstTokenAt ??= receivedAt;
        if (event.type === TurnEvent.TurnCompleted || event.type === TurnEvent.TurnFailed) {
          clearTimeout(timer);
          resolve();
        }
      };
      this.waiter = see;
      this.socket
        .timeout(30_000)
        .emit('chat.send', { text }, (error: Error | null, answer: { ok: boolean; turnId?: string }) => {
          if (error || !answer.ok || !answer.turnId) {
            clearTimeout(timer);
            return reject(new Error(`chat.send refused: ${JSON.stringify(error?.message ?? answer)}`));
          }
          turnId = answer.turnId;
          early.splice(0).forEach(([event, at]) => see(event, at)); // events before the acknowledgement
        });
    });
    await ended;
    this.waiter = undefined;
    if (startedAt === undefined || firstTokenAt === undefined)
      throw new Error(`turn "${text}" ended without turn.started or a token`);
    return { startedMs: startedAt - sentAt, firstTokenMs: firstTokenAt - sentAt };
  }

  /** What resuming this session later needs. */
  ticket(): SessionTicket {
    return { ...this.session, events: this.events };
  }

  close(): void {
    this.socket.disconnect();
  }
}
