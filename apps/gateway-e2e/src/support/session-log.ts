import { createParser } from 'eventsource-parser';
import type { ChatEventPayload } from '@litesession/chat-protocol';

/** A session as the HTTP routes name it. */
export interface SessionRef {
  sessionId: string;
  resumeToken: string;
}

/**
 * The reply of the session's first completed turn as its log has it (`turn.completed`'s text), read
 * over SSE (`GET /v1/sessions/:id/events`) from `gatewayUrl`; `headers` adds a credential.
 */
export async function completedText(
  gatewayUrl: string,
  session: SessionRef,
  headers: Record<string, string> = {},
): Promise<string> {
  const response = await fetch(`${gatewayUrl}/v1/sessions/${session.sessionId}/events`, {
    headers: { ...headers, 'X-Resume-Token': session.resumeToken },
  });
  const reader = response.body?.pipeThrough(new TextDecoderStream()).getReader();
  let completed: string | undefined;
  const parser = createParser({
    onEvent: (event) => {
      const payload = event.event === 'chat.event' ? (JSON.parse(event.data) as ChatEventPayload) : undefined;
      if (payload?.type === 'turn.completed') completed = payload.text ?? '';
    },
  });
  try {
    while (completed === undefined) {
      const chunk = await reader?.read();
      if (!chunk || chunk.done) break;
      parser.feed(chunk.value);
    }
  } finally {
    await reader?.cancel();
  }
  if (completed === undefined) throw new Error('the log has no turn.completed');
  return completed;
}
