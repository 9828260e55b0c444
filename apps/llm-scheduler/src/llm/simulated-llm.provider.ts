import { setTimeout as sleep } from 'node:timers/promises';
import type { ChatMessage } from './llm-provider';
import { LlmProvider } from './llm-provider';

export interface SimulatedLlmOptions {
  tokensPerSecond: number;
  replyTokens: number;
}

const FILLER = 'and so the answer keeps streaming one token after another until it is done'.split(' ');

/**
 * A deterministic stand-in for a model, for `npm start` and tests. Its reply starts with `[turn N]`
 * (N = user messages so far) and quotes the previous user message, so a test can tell whether the whole
 * conversation reached the model; then filler words up to `replyTokens` tokens, at `tokensPerSecond`.
 */
export class SimulatedLlmProvider extends LlmProvider {
  readonly name = 'simulated';
  readonly model = 'simulated';

  constructor(private readonly options: SimulatedLlmOptions) {
    super();
  }

  /** The whole reply as tokens (each word with its trailing space). */
  static replyTokens(conversation: readonly ChatMessage[], replyTokens: number): string[] {
    const users = conversation.filter((m) => m.role === 'user').map((m) => m.content);
    const previous = users.length >= 2 ? users[users.length - 2] : undefined;
    const head =
      `[turn ${users.length}] ` +
      (previous === undefined ? 'This is your first message. ' : `Before this you said: "${previous}". `);
    const tokens = head.split(/(?<= )/);
    for (let i = 0; tokens.length < replyTokens; i += 1) tokens.push(`${FILLER[i % FILLER.length]} `);
    return tokens;
  }

  async *stream(conversation: readonly ChatMessage[], signal: AbortSignal): AsyncIterable<string> {
    const interval = 1000 / this.options.tokensPerSecond;
    const started = Date.now();
    const tokens = SimulatedLlmProvider.replyTokens(conversation, this.options.replyTokens);
    for (const [index, token] of tokens.entries()) {
      // Paced against the start, so slow consumers do not stretch the reply.
      const due = started + index * interval - Date.now();
      if (due > 0) await sleep(due, undefined, { signal }).catch(() => undefined);
      if (signal.aborted) return;
      yield token;
    }
  }
}
