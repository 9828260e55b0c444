import OpenAI from 'openai';
import type { ChatMessage } from './llm-provider';
import { LlmProvider } from './llm-provider';

export interface OpenAiLlmOptions {
  baseURL?: string;
  apiKey: string;
  model: string;
}

/** The endpoint does not list the configured model (some servers, llama.cpp's among them, would answer with another). */
export class LlmModelNotServedError extends Error {
  override name = 'LlmModelNotServedError';
}

/** The reply's stream ended without a finish reason: the server or the connection went away mid-reply. */
export class LlmStreamCutError extends Error {
  override name = 'LlmStreamCutError';
}

/** Any OpenAI-compatible chat completions endpoint that streams (OpenAI, vLLM, Ollama, …), via the official SDK. */
export class OpenAiLlmProvider extends LlmProvider {
  readonly name = 'openai';
  private readonly client: OpenAI;
  /** Set once the endpoint has listed the model; a failed check is tried again at the next turn. */
  private modelServed: Promise<void> | undefined;

  constructor(private readonly options: OpenAiLlmOptions) {
    super();
    // No SDK retries: a failed turn is reported as turn.failed and the user decides whether to resend.
    this.client = new OpenAI({ baseURL: options.baseURL, apiKey: options.apiKey, maxRetries: 0 });
  }

  get model(): string {
    return this.options.model;
  }

  async *stream(conversation: readonly ChatMessage[], signal: AbortSignal): AsyncIterable<string> {
    let finished = false;
    try {
      await this.requireModel(signal);
      const stream = await this.client.chat.completions.create(
        { model: this.options.model, messages: [...conversation], stream: true },
        { signal },
      );
      for await (const chunk of stream) {
        const choice = chunk.choices[0];
        if (choice?.delta?.content) yield choice.delta.content;
        if (choice?.finish_reason) finished = true;
      }
    } catch (error) {
      if (signal.aborted) return; // cancelled or timed out: the runner reports why
      throw error;
    }
    if (!finished && !signal.aborted) {
      throw new LlmStreamCutError('the reply stopped before the model finished it (the server went away?)');
    }
  }

  private requireModel(signal: AbortSignal): Promise<void> {
    this.modelServed ??= this.listsModel(signal).catch((error: unknown) => {
      this.modelServed = undefined;
      throw error;
    });
    return this.modelServed;
  }

  private async listsModel(signal: AbortSignal): Promise<void> {
    const served: string[] = [];
    for await (const model of this.client.models.list({ signal })) served.push(model.id);
    if (!served.includes(this.options.model)) {
      throw new LlmModelNotServedError(
        `the server does not serve the model "${this.options.model}" (it lists: ${served.join(', ') || 'none'}); check LLM_MODEL`,
      );
    }
  }
}
