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
  const events = await readSessionEvents(gatewayUrl, session, headers, (seen) =>
    seen.some((event) => event.type === 'turn.completed'),
  );
  const completed = events.find((event) => event.type === 'turn.completed');
  if (completed === undefined) throw new Error('the log has no turn.completed');
  return completed.text ?? '';
}

/**
 * The session's events (`chat.event`) over SSE from seq 0, read until `enough(events so far)` holds or
 * the stream ends; `headers` adds a credential.
 */
export async function readSessionEvents(
  gatewayUrl: string,
  session: SessionRef,
  headers: Record<string, string>,
  enough: (events: readonly ChatEventPayload[]) => boolean,
): Promise<ChatEventPayload[]> {
  const response = await fetch(`${gatewayUrl}/v1/sessions/${session.sessionId}/events`, {
    headers: { ...headers, 'X-Resume-Token': session.resumeToken },
  });
  const reader = response.body?.pipeThrough(new TextDecoderStream()).getReader();
  const events: ChatEventPayload[] = [];
  const parser = createParser({
    onEvent: (event) => {
      if (event.event === 'chat.event') events.push(JSON.parse(event.data) as ChatEventPayload);
    },
  });
  try {
    while (!enough(events)) {
      const chunk = await reader?.read();
      if (!chunk || chunk.done) break;
      parser.feed(chunk.value);
    }
  } finally {
    await reader?.cancel();
  }
  return events;
}
