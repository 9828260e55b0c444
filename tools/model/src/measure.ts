/** What one streamed reply of the model cost, seen from an OpenAI-compatible client. */
export interface ReplyTiming {
  /** From sending the request to the first content chunk. */
  firstTokenMs: number;
  /** Content chunks (llama-cpp-python streams one token per chunk). */
  tokens: number;
  /** Tokens after the first, per second of streaming after it. */
  tokensPerSecond: number;
  text: string;
}

/** Streams one chat completion from `baseUrl` and times it. */
export async function timeReply(
  baseUrl: string,
  model: string,
  messages: ReadonlyArray<{ role: 'user' | 'assistant'; content: string }>,
  maxTokens = 128,
): Promise<ReplyTiming> {
  const started = performance.now();
  const response = await fetch(`${baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages, stream: true, max_tokens: maxTokens }),
  });
  if (!response.ok || !response.body) throw new Error(`${baseUrl} answered ${response.status}`);
  let first: number | undefined;
  let last = started;
  let tokens = 0;
  let text = '';
  let buffer = '';
  for await (const chunk of response.body.pipeThrough(new TextDecoderStream())) {
    buffer += chunk;
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      const data = line.startsWith('data: ') ? line.slice(6).trim() : '';
      if (data === '' || data === '[DONE]') continue;
      const content = (JSON.parse(data) as { choices?: Array<{ delta?: { content?: string } }> }).choices?.[0]
        ?.delta?.content;
      if (!content) continue;
      const now = performance.now();
      first ??= now;
      last = now;
      tokens += 1;
      text += content;
    }
  }
  if (first === undefined) throw new Error('the model streamed no content');
  const streamingSeconds = (last - first) / 1000;
  return {
    firstTokenMs: Math.round(first - started),
    tokens,
    tokensPerSecond: streamingSeconds > 0 ? Math.round(((tokens - 1) / streamingSeconds) * 10) / 10 : 0,
    text,
  };
}
