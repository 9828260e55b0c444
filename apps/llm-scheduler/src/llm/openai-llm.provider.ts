import OpenAI from 'openai';
import type { ChatMessage } from './llm-provider';
import { LlmProvider } from './llm-provider';

export interface OpenAiLlmOptions {
  baseURL?: string;
  apiKey: string;
  model: string;
}

/** Any OpenAI-compatible chat completions endpoint that streams (OpenAI, vLLM, Ollama, …), via the official SDK. */
export class OpenAiLlmProvider extends LlmProvider {
  readonly name = 'openai';
  get model(): string {
    return this.options.model;
  }
  private readonly client: OpenAI;

  constructor(private readonly options: OpenAiLlmOptions) {
    super();
    // No SDK retries: a failed turn is reported as turn.failed and the user decides whether to resend.
    this.client = new OpenAI({ baseURL: options.baseURL, apiKey: options.apiKey, maxRetries: 0 });
  }

  async *stream(conversation: readonly ChatMessage[], signal: AbortSignal): AsyncIterable<string> {
    const stream = await this.client.chat.completions.create(
      { model: this.options.model, messages: [...conversation], stream: true },
      { signal },
    );
    try {
      for await (const chunk of stream) {
        const text = chunk.choices[0]?.delta?.content;
        if (text) yield text;
      }
    } catch (error) {
      if (signal.aborted) return; // cancelled or timed out: the runner reports why
      throw error;
    }
  }
}
