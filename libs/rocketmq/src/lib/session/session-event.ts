import { InvalidSessionEventError, SessionEventDecodeError } from '../rocketmq.errors';

/**
 * Session events as they are stored in a session's LiteTopic (wire format, version 1), JSON in UTF-8:
 *
 *   {"v":1,"type":"token","ts":1795303089231,"turnId":"t-1","text":"Hel","data":{...}}
 *
 * `seq` and `sessionId` are not in the body: the broker assigns `seq` (the message's offset in the
 * session's LiteTopic) and the lite topic name is the session id. Readers must ignore fields they do
 * not know; a change that old readers cannot ignore needs a new `v`.
 */
export const SESSION_EVENT_VERSION = 1;
/** Envelopes larger than this are refused at publish time (the broker's own limit is 4 MiB). */
export const MAX_SESSION_EVENT_BYTES = 1024 * 1024;
const EVENT_TYPE = /^[a-z][a-z0-9_.-]{0,63}$/;

/** What a publisher hands to `publish()`. */
export interface SessionEventInput {
  /** Lower-case dotted name, e.g. `turn.started`, `token`. */
  type: string;
  turnId?: string;
  text?: string;
  /** Extra JSON fields for this event type. */
  data?: Record<string, unknown>;
  /** Milliseconds since the epoch; defaults to now. */
  ts?: number;
}

/** What a listener receives: the stored event plus its position in the session's log. */
export interface SessionEvent {
  sessionId: string;
  /** Offset of this event in the session's LiteTopic: 0, 1, 2, … with no gaps, the same for every reader. */
  seq: number;
  type: string;
  ts: number;
  turnId?: string;
  text?: string;
  data?: Record<string, unknown>;
  /** The broker's message id, for logs. */
  messageId: string;
}

interface WireEventV1 {
  v: 1;
  type: string;
  ts: number;
  turnId?: string;
  text?: string;
  data?: Record<string, unknown>;
}

export function encodeSessionEvent(input: SessionEventInput): Buffer {
  const problems: string[] = [];
  if (typeof input?.type !== 'string' || !EVENT_TYPE.test(input.type)) {
    problems.push('type must be a lower-case name such as "token" or "turn.started"');
  }
  if (input?.turnId !== undefined && (typeof input.turnId !== 'string' || input.turnId.length > 128)) {
    problems.push('turnId must be a string of at most 128 characters');
  }
  if (input?.text !== undefined && typeof input.text !== 'string') problems.push('text must be a string');
  if (input?.data !== undefined && !isPlainObject(input.data)) problems.push('data must be an object');
  if (input?.ts !== undefined && !Number.isFinite(input.ts)) problems.push('ts must be a finite number');
  if (problems.length > 0) {
    throw new InvalidSessionEventError(`Invalid session event: ${problems.join('; ')}`);
  }
  const wire: WireEventV1 = { v: SESSION_EVENT_VERSION, type: input.type, ts: input.ts ?? Date.now() };
  if (input.turnId !== undefined) wire.turnId = input.turnId;
  if (input.text !== undefined) wire.text = input.text;
  if (input.data !== undefined) wire.data = input.data;
  let json: string;
  try {
    json = JSON.stringify(wire);
  } catch (error) {
    throw new InvalidSessionEventError(`Session event cannot be serialized: ${(error as Error).message}`);
  }
  const body = Buffer.from(json, 'utf8');
  if (body.length > MAX_SESSION_EVENT_BYTES) {
    throw new InvalidSessionEventError(
      `Session event of ${body.length} bytes exceeds the ${MAX_SESSION_EVENT_BYTES}-byte limit`,
    );
  }
  return body;
}

/** Decodes one stored event. Throws SessionEventDecodeError (never anything else) for a body that is not a v1 envelope. */
export function decodeSessionEvent(
  body: Buffer,
  meta: { sessionId: string; seq: number; messageId: string },
): SessionEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new SessionEventDecodeError('malformed', meta.messageId, (error as Error).message);
  }
  if (!isPlainObject(parsed)) {
    throw new SessionEventDecodeError('malformed', meta.messageId, 'body is not a JSON object');
  }
  if (parsed['v'] !== SESSION_EVENT_VERSION) {
    throw new SessionEventDecodeError(
      'unsupported_version',
      meta.messageId,
      `v=${JSON.stringify(parsed['v'])}`,
    );
  }
  const { type, ts, turnId, text, data } = parsed;
  if (typeof type !== 'string' || typeof ts !== 'number') {
    throw new SessionEventDecodeError('invalid_fields', meta.messageId, 'type and ts are required');
  }
  if (
    (turnId !== undefined && typeof turnId !== 'string') ||
    (text !== undefined && typeof text !== 'string') ||
    (data !== undefined && !isPlainObject(data))
  ) {
    throw new SessionEventDecodeError(
      'invalid_fields',
      meta.messageId,
      'turnId/text/data have the wrong type',
    );
  }
  const event: SessionEvent = {
    sessionId: meta.sessionId,
    seq: meta.seq,
    type,
    ts,
    messageId: meta.messageId,
  };
  if (turnId !== undefined) event.turnId = turnId;
  if (text !== undefined) event.text = text;
  if (data !== undefined) event.data = data;
  return event;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
