import { DefaultChatTransport, type ChatTransport, type UIMessage } from 'ai';
import { LiteSessionClient } from '@litesession/client';
import { LiteSessionChatTransport } from '@litesession/client/ai-sdk';
import { failoverFetch } from './failover-fetch';

/** A chat the page talks to: its id (the session id) and the AI SDK transport that reaches it. */
export interface ChatBackend {
  sessionId: string;
  transport: ChatTransport<UIMessage>;
  /** Which of the two ways this is, shown on the page. */
  label: string;
}

/**
 * The gateways' own AI SDK endpoint (`/v1/ai/chat`) through the SDK's DefaultChatTransport: no LiteSession
 * code in the browser, only a session created over HTTP and its resume token as a header.
 */
export async function endpointBackend(
  gateways: readonly string[],
  given?: { sessionId: string; resumeToken: string },
): Promise<ChatBackend> {
  const fetchAny = failoverFetch(gateways);
  const { sessionId, resumeToken } = given ?? (await createSession(fetchAny));
  const transport = new DefaultChatTransport<UIMessage>({
    api: '/v1/ai/chat',
    headers: { 'X-Resume-Token': resumeToken },
    fetch: fetchAny,
  });
  return { sessionId, transport, label: 'DefaultChatTransport → /v1/ai/chat' };
}

/** @litesession/client over Socket.IO, under the SDK's chat state through LiteSessionChatTransport. */
export async function clientBackend(gateways: readonly string[]): Promise<ChatBackend> {
  const client = new LiteSessionClient({
    urls: [...gateways],
    reconnect: { initialDelayMs: 100, maxDelayMs: 1000 },
  });
  const state = await client.connect();
  if (!state.sessionId) throw new Error('the client connected without a session');
  return {
    sessionId: state.sessionId,
    transport: new LiteSessionChatTransport(client),
    label: 'LiteSessionChatTransport (@litesession/client)',
  };
}

/** A new session over HTTP (`POST /v1/sessions`). */
async function createSession(fetchAny: typeof fetch): Promise<{ sessionId: string; resumeToken: string }> {
  const created = await fetchAny('/v1/sessions', { method: 'POST' });
  if (!created.ok) throw new Error(`POST /v1/sessions answered ${created.status}`);
  return (await created.json()) as { sessionId: string; resumeToken: string };
}
