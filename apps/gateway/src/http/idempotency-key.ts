import { CLIENT_MESSAGE_ID_PATTERN } from '@litesession/chat-protocol';
import { HttpRefusal } from './http-refusal';

/** The header that plays the part of `chat.send`'s `clientMessageId` on `POST …/messages`. */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

/**
 * The message's idempotency key: the `Idempotency-Key` header, or the body's `clientMessageId`; both may
 * be given only if equal.
 */
export function idempotencyKeyOf(header: unknown, bodyKey: string | undefined): string | undefined {
  if (header === undefined) return bodyKey;
  if (typeof header !== 'string' || !CLIENT_MESSAGE_ID_PATTERN.test(header)) {
    throw new HttpRefusal('invalid_payload', 'Idempotency-Key must be 1-64 characters from [A-Za-z0-9_-]');
  }
  if (bodyKey !== undefined && bodyKey !== header) {
    throw new HttpRefusal('invalid_payload', 'Idempotency-Key and clientMessageId differ');
  }
  return header;
}
