import { io, type Socket } from 'socket.io-client';
import { TurnEvent } from '@litesession/chat-protocol';
import type { RunningPath } from '../paths/bench-path';
import { nowMs } from '../load/session-client';
import type { ConversationRun } from '../results';
import { type ScenarioContext, seconds } from './scenario-context';

/** Tokens of each reply: with the rate, how fast a conversation's log grows (and how long a turn takes). */
export const CONVERSATION_REPLY_TOKENS = 100;
const TURN_DEADLINE_MS = 60_000;

interface ChatEvent {
  seq: number;
  type: string;
  turnId?: string;
}

/**
 * How the cost of starting a turn grows with the conversation. On one gateway, one session runs `turns`
 * turns one after another; per turn the client times `chat.send` → that turn's `turn.started`
 * (everything the path does before the model is called) and → its first token. Then `firstTurns` new
 * sessions run one turn each, for the spread at turn 1.
 */
export async function runConversation(
  context: ScenarioContext,
  turns: number,
  firstTurns: number,
): Promise<ConversationRun> {
  const { path, settings, progress } = context;
  const running = await path.start({
    gateways: 1,
    tokensPerSecond: settings.tokensPerSecond,
    replyTokens: CONVERSATION_REPLY_TOKENS,
    maxSessions: 4,
  });
  const run: ConversationRun = { turnStartedMs: [], firstTokenMs: [], logEvents: [], firstTurnStartedMs: [] };
  try {
    const conversation = await Conversation.open(running);
    try {
      for (let turn = 1; turn <= turns; turn += 1) {
        run.logEvents.push(conversation.events);
        const timing = await conversation.turn(`turn ${turn}`);
        run.turnStartedMs.push(timing.startedMs);
        run.firstTokenMs.push(timing.firstTokenMs);
        if (turn % 10 === 0 || turn === 1) {
          progress(
            `turn ${turn}: started after ${timing.startedMs.toFixed(1)} ms (log ${conversation.events})`,
          );
        }
      }
    } finally {
      conversation.close();
    }
    const began = Date.now();
    for (let index = 0; index < firstTurns; index += 1) {
      const fresh = await Conversation.open(running);
      try {
        run.firstTurnStartedMs.push((await fresh.turn('hello')).startedMs);
      } finally {
        fresh.close();
      }
    }
    progress(`${firstTurns} first turns in ${seconds(Date.now() - began)}`);
  } finally {
    await running.waitIdle?.(30_000);
    await running.stop();
  }
  return run;
}

/** One session with a bare socket.io-client; its turns run one at a time. */
class Conversation {
  events = 0;
  private waiter: ((event: ChatEvent, receivedAt: number) => void) | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on('chat.event', (event: ChatEvent) => {
      this.events = Math.max(this.events, event.seq + 1);
      this.waiter?.(event, nowMs());
    });
  }

  static open(running: RunningPath): Promise<Conversation> {
    const auth = running.credential === undefined ? {} : { token: running.credential };
    const url = running.gatewayUrls[0] as string;
    const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, auth });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no session answer from ${url}`)), 30_000);
      socket.once('session', () => {
        clearTimeout(timer);
        resolve(new Conversation(socket));
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

  close(): void {
    this.socket.disconnect();
  }
}
