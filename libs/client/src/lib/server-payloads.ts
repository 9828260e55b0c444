import { LiteSessionError } from './errors';
import type { ChatEvent } from './types';

/** The `session` event: the session the connection serves. */
export interface SessionPayload {
  sessionId: string;
  resumeToken: string;
  node?: string;
}

/** Reads a `session` payload; undefined when malformed. */
export function parseSession(value: unknown): SessionPayload | undefined {
  if (!isRecord(value)) return undefined;
  const { sessionId, resumeToken, node } = value;
  if (typeof sessionId !== 'string' || typeof resumeToken !== 'string') return undefined;
  return typeof node === 'string' ? { sessionId, resumeToken, node } : { sessionId, resumeToken };
}

/** True for a well-formed `chat.event` payload (further fields pass through untouched). */
export function isChatEvent(value: unknown): value is ChatEvent {
  if (!isRecord(value)) return false;
  const { sessionId, seq, type } = value;
  return (
    typeof sessionId === 'string' && typeof type === 'string' && Number.isInteger(seq) && Number(seq) >= 0
  );
}

/** Turns a `chat.error` payload into an error (`invalid_response` when malformed). */
export function toChatError(value: unknown): LiteSessionError {
  const code = isRecord(value) && typeof value['code'] === 'string' ? value['code'] : 'invalid_response';
  const message = isRecord(value) && typeof value['message'] === 'string' ? value['message'] : code;
  return new LiteSessionError(code, message);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
