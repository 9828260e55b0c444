/**
 * Requests from gateways to the LLM scheduler, on the FIFO topic `chat-requests` (topology.ts) with the
 * session id as message group. JSON, versioned like session events.
 */

export interface ChatSendRequest {
  v: 1;
  kind: 'chat.send';
  sessionId: string;
  turnId: string;
  text: string;
  clientMessageId?: string;
  ts: number;
  /**
   * Set on a copy a gateway sent because the session's log did not show the turn (1, 2, …): while the
   * turn runs, a copy is a duplicate, never a takeover.
   */
  resend?: number;
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

/** The JSON text of a request, as stored in a `chat-requests` message body (UTF-8). */
export function encodeChatRequest(request: ChatRequest): string {
  return JSON.stringify(request);
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
    resend?: unknown;
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
    if (r.resend !== undefined) {
      if (!Number.isSafeInteger(r.resend) || (r.resend as number) < 1) {
        throw new InvalidChatRequestError('resend must be a positive integer');
      }
      send.resend = r.resend as number;
    }
    return send;
  }
  if (r.kind === 'chat.cancel')
    return { v: 1, kind: 'chat.cancel', sessionId: r.sessionId, turnId: r.turnId, ts: r.ts };
  throw new InvalidChatRequestError(`unknown kind ${JSON.stringify(r.kind)}`);
}
