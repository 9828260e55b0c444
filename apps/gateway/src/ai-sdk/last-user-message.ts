import { CLIENT_MESSAGE_ID_PATTERN, isPlainObject } from '@litesession/chat-protocol';
import { HttpRefusal } from '../http/http-refusal';

/** The user's new message: its text (its text parts, joined) and its id when that can be an idempotency key. */
export interface UserMessage {
  text: string;
  clientMessageId?: string;
}

/**
 * Reads the last UI message of an AI SDK request, which must be the user's: `{ id, role: 'user', parts }`
 * with at least one non-empty text part. Throws HttpRefusal `invalid_payload` otherwise. Its `id` (the AI
 * SDK makes one per message) becomes the turn's `clientMessageId`, so a retried POST runs the turn once.
 */
export function lastUserMessage(messages: readonly unknown[]): UserMessage {
  const last = messages.at(-1);
  if (!isPlainObject(last) || last['role'] !== 'user' || !Array.isArray(last['parts'])) {
    throw new HttpRefusal(
      'invalid_payload',
      'the last message must be the user’s: { id, role: "user", parts }',
    );
  }
  const text = last['parts']
    .flatMap((part: unknown) =>
      isPlainObject(part) && part['type'] === 'text' && typeof part['text'] === 'string'
        ? [part['text']]
        : [],
    )
    .join('');
  if (text === '') throw new HttpRefusal('invalid_payload', 'the user’s message has no text part');
  const id = last['id'];
  return typeof id === 'string' && CLIENT_MESSAGE_ID_PATTERN.test(id)
    ? { text, clientMessageId: id }
    : { text };
}
