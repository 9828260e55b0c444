/**
 * Requests from gateways to the LLM scheduler, on the FIFO topic `chat-requests` with the session id as
 * message group (so one session's requests are handled in order). JSON, versioned like session events.
 */
export const CHAT_REQUESTS_TOPIC = 'chat-requests';

export interface ChatSendRequest {
  v: 1;
  kind: 'chat.send';
  sessionId: string;
  turnId: string;
  text: string;
  clientMessageId?: string;
  ts: number;
}

export interface ChatCancelRequest {
  v: 1;
  kind: 'chat.cancel';
  sessionId: string;
  turnId: string;
  ts: number;
}

export type ChatRequest = ChatSendRequest | ChatCancelRequest;

export class InvalidChatRequestError extends Error {
  override name = 'InvalidChatRequestError';
}

export function encodeChatRequest(request: ChatRequest): Buffer {
  return Buffer.from(JSON.stringify(request), 'utf8');
}

/** Parses a request; anything that is not a v1 request is an InvalidChatRequestError. */
export function decodeChatRequest(value: unknown): ChatRequest {
  const r = value as {
    v?: unknown;
    kind?: unknown;
    sessionId?: unknown;
    turnId?: unknown;
    text?: unknown;
    clientMessageId?: unknown;
    ts?: unknown;
  } | null;
  if (typeof r !== 'object' || r === null || r.v !== 1)
    throw new InvalidChatRequestError('not a v1 chat request');
  if (typeof r.sessionId !== 'string' || typeof r.turnId !== 'string' || typeof r.ts !== 'number') {
    throw new InvalidChatRequestError('sessionId, turnId and ts are required');
  }
  if (r.kind === 'chat.send') {
    if (typeof r.text !== 'string') throw new InvalidChatRequestError('chat.send needs text');
    if (r.clientMessageId !== undefined && typeof r.clientMessageId !== 'string') {
      throw new InvalidChatRequestError('clientMessageId must be a string');
    }
    const send: ChatSendRequest = {
      v: 1,
      kind: 'chat.send',
      sessionId: r.sessionId,
      turnId: r.turnId,
      text: r.text,
      ts: r.ts,
    };
    if (r.clientMessageId !== undefined) send.clientMessageId = r.clientMessageId;
    return send;
  }
  if (r.kind === 'chat.cancel')
    return { v: 1, kind: 'chat.cancel', sessionId: r.sessionId, turnId: r.turnId, ts: r.ts };
  throw new InvalidChatRequestError(`unknown kind ${JSON.stringify(r.kind)}`);
}
