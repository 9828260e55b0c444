import type { Request } from 'express';
import { type ClientRequest, InvalidHandshakeError, parseHandshake } from '../session/parse-handshake';

/** Header of the session's resume token on the HTTP routes (or the `resumeToken` query parameter). */
export const RESUME_TOKEN_HEADER = 'x-resume-token';

/** A seq in Last-Event-ID: -1 (nothing yet) or a non-negative integer, in decimal. */
const SEQ_TEXT = /^(-1|0|[1-9]\d{0,15})$/;

/**
 * Reads an HTTP request into the handshake the Socket.IO path sends, then parses it by the same rules:
 * the credential from `Authorization: Bearer …` (or `?token=`), the resume token from `X-Resume-Token`
 * (or `?resumeToken=`), and the client's last seq from `Last-Event-ID` (or `?lastEventId=`). The query
 * forms are for EventSource, which cannot set headers. `sessionId` comes from the route; without it a
 * new session is asked for. Throws InvalidHandshakeError and nothing else.
 */
export function readHttpHandshake(request: Request, sessionId?: string): ClientRequest {
  const auth: Record<string, unknown> = {};
  const credential = bearerOf(request.headers.authorization) ?? request.query['token'];
  if (credential !== undefined) auth['token'] = credential;
  if (sessionId !== undefined) {
    auth['sessionId'] = sessionId;
    const resumeToken = request.headers[RESUME_TOKEN_HEADER] ?? request.query['resumeToken'];
    // The resume token is what proves the session is the caller's: without it, it is the same refusal as a
    // wrong one would get, never a new session.
    auth['resumeToken'] = resumeToken ?? '';
    const lastEventId = request.headers['last-event-id'] ?? request.query['lastEventId'];
    if (lastEventId !== undefined) auth['lastSeq'] = seqOf(lastEventId);
  }
  return parseHandshake(auth);
}

function bearerOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer ([^\s]+)$/i.exec(header.trim());
  if (!match) throw new InvalidHandshakeError('Authorization must be "Bearer <credential>"');
  return match[1];
}

function seqOf(value: unknown): number {
  if (typeof value !== 'string' || !SEQ_TEXT.test(value)) {
    throw new InvalidHandshakeError('Last-Event-ID must be the seq of an event (an integer ≥ -1)');
  }
  return Number(value);
}
