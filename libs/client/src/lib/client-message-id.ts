import { CLIENT_MESSAGE_ID_PATTERN } from '@litesession/chat-protocol';
import { LiteSessionError } from './errors';

/**
 * A random `clientMessageId` (32 hex characters, within the protocol's 1-64 of `[A-Za-z0-9_-]`).
 * `crypto.getRandomValues` rather than `randomUUID`: browsers offer the latter only in secure contexts.
 */
export function createClientMessageId(): string {
  const bytes = new Uint8Array(16);
  const crypto = (globalThis as { crypto?: { getRandomValues?: (array: Uint8Array) => Uint8Array } }).crypto;
  if (typeof crypto?.getRandomValues === 'function') {
    crypto.getRandomValues(bytes);
  } else {
    // Only ids of one session must differ; no secrecy is needed.
    for (let i = 0; i < bytes.length; i += 1) bytes[i] = Math.floor(Math.random() * 256);
  }
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** True for a valid `clientMessageId` (1-64 characters from `[A-Za-z0-9_-]`). */
export function isClientMessageId(value: string): boolean {
  return CLIENT_MESSAGE_ID_PATTERN.test(value);
}

/**
 * The given `clientMessageId`, or a new one.
 * @throws LiteSessionError `invalid_payload` for an id the gateway would refuse.
 */
export function clientMessageIdFor(given: string | undefined): string {
  const id = given ?? createClientMessageId();
  if (!isClientMessageId(id)) {
    throw new LiteSessionError('invalid_payload', 'clientMessageId must be 1-64 characters of [A-Za-z0-9_-]');
  }
  return id;
}
