import { randomUUID } from 'node:crypto';
import { InvalidSessionIdError } from '../rocketmq.errors';

/**
 * The only place that maps session ids to LiteTopic names. The broker accepts lite topic names of
 * 1-64 characters from [A-Za-z0-9_-] (GrpcValidator in the 5.5.0 proxy), so a session id must be one:
 * the channel `chat/{sessionId}` is parent topic `chat` + lite topic `{sessionId}`.
 */
const SESSION_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function isValidSessionId(value: unknown): value is string {
  return typeof value === 'string' && SESSION_ID.test(value);
}

/** Throws InvalidSessionIdError unless `value` is a valid session id. */
export function assertSessionId(value: unknown): asserts value is string {
  if (!isValidSessionId(value)) throw new InvalidSessionIdError(value);
}

/** The lite topic (under the parent topic) that holds a session's log. */
export function liteTopicFor(sessionId: string): string {
  assertSessionId(sessionId);
  return sessionId;
}

/** The session whose log a lite topic holds; undefined for a name that is not one of ours. */
export function sessionIdFor(liteTopic: string | undefined): string | undefined {
  return isValidSessionId(liteTopic) ? liteTopic : undefined;
}

/** A new random session id (a UUID: 36 characters, valid as a lite topic name). */
export function createSessionId(): string {
  return randomUUID();
}
