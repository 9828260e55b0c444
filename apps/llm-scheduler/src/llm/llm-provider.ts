/** One message of the conversation the model gets. */
export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

/**
 * A streaming chat model. `stream` yields the reply's tokens (text pieces) as they come and stops early
 * when `signal` aborts (cancel, timeout, shutdown). Errors mean the model failed; they are not retried.
 */
export abstract class LlmProvider {
  abstract readonly name: string;
  /** The model clients are told answers (`model` of `turn.started` / `turn.restarted`). */
  abstract readonly model: string;
  abstract stream(conversation: readonly ChatMessage[], signal: AbortSignal): AsyncIterable<string>;
}
