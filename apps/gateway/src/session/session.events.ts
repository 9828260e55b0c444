import type { SessionEvent } from '@litesession/rocketmq';

/** Server → client events of the session protocol (docs/protocol.md). */
export interface ServerToClientEvents {
  session: (payload: { sessionId: string; resumeToken: string; node: string }) => void;
  'chat.event': (payload: ChatEventPayload) => void;
  'chat.error': (payload: { code: ChatErrorCode; message: string }) => void;
  'server.draining': (payload: Record<string, never>) => void;
}

export interface ChatEventPayload {
  sessionId: string;
  seq: number;
  turnId: string | undefined;
  type: string;
  text?: string;
  ts: number;
}

export type ChatErrorCode = 'invalid_handshake' | 'invalid_session' | 'session_moved' | 'unavailable';

/** What the gateway keeps on a socket once its handshake is accepted. */
export interface SessionSocketData {
  sessionId: string;
}

export function toChatEvent(event: SessionEvent): ChatEventPayload {
  const payload: ChatEventPayload = {
    sessionId: event.sessionId,
    seq: event.seq,
    turnId: event.turnId,
    type: event.type,
    ts: event.ts,
  };
  if (event.text !== undefined) payload.text = event.text;
  return payload;
}
