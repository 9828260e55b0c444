import { Conversation } from '../load/conversation-client';
import type { ConversationRun } from '../results';
import { type ScenarioContext, seconds } from './scenario-context';

/** Tokens of each reply: with the rate, how fast a conversation's log grows (and how long a turn takes). */
export const CONVERSATION_REPLY_TOKENS = 100;

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
