import type { SessionPayload, SessionRenewedPayload } from '@litesession/chat-protocol';
import { LiteSessionError } from './errors';
import type { ChatEvent } from './types';

/** Reads a `session` payload; undefined when malformed. */
export function parseSession(
  value: unknown,
): (Pick<SessionPayload, 'sessionId' | 'resumeToken'> & Partial<SessionPayload>) | undefined {
  if (!isRecord(value)) return undefined;
  const { sessionId, resumeToken, node } = value;
  if (typeof sessionId !== 'string' || typeof resumeToken !== 'string') return undefined;
  return typeof node === 'string' ? { sessionId, resumeToken, node } : { sessionId, resumeToken };
}

/** Reads a `session.renewed` payload; undefined when malformed. */
export function parseRenewal(value: unknown): SessionRenewedPayload | undefined {
  if (!isRecord(value)) return undefined;
  const { resumeToken, resumeTokenExpiresAt } = value;
  if (typeof resumeToken !== 'string' || typeof resumeTokenExpiresAt !== 'number') return undefined;
  return { resumeToken, resumeTokenExpiresAt };
}

/** The broker state a `server.status` reports, or undefined for anything else. */
export function parseServerStatus(value: unknown): 'ok' | 'unavailable' | undefined {
  const broker = isRecord(value) ? value['broker'] : undefined;
  return broker === 'ok' || broker === 'unavailable' ? broker : undefined;
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
  const retryAfterMs =
    isRecord(value) && typeof value['retryAfterMs'] === 'number' ? value['retryAfterMs'] : undefined;
  return new LiteSessionError(code, message, retryAfterMs === undefined ? {} : { retryAfterMs });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
