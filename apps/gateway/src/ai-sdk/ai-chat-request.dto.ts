import { Allow, ArrayMinSize, IsArray, IsIn, IsString, Matches, MaxLength } from 'class-validator';
import { SESSION_ID_PATTERN, type ShapeLimits } from '@litesession/chat-protocol';
import { OptionalField } from '@litesession/edge';
import { MAX_TEXT_CHARS_LIMIT } from '../chat/chat-send.dto';

/** Largest JSON body the HTTP routes take: the AI SDK's transport posts the whole conversation (bytes). */
export const MAX_JSON_BODY_BYTES = 4 * 1024 * 1024;

/**
 * The AI SDK's DefaultChatTransport sends the whole conversation with every message (UI messages with
 * their parts), so the shape allows what a long chat needs; the body parser's limit bounds its size.
 */
export const AI_CHAT_REQUEST_SHAPE: ShapeLimits = {
  maxDepth: 6,
  maxEntries: 50_000,
  maxStringLength: MAX_TEXT_CHARS_LIMIT,
};

/**
 * `POST /v1/ai/chat`: what `DefaultChatTransport.sendMessages` posts. `id` is the chat id, which is the
 * LiteSession session id; only the last message (the user's new one) is read: the session's log holds
 * the conversation.
 */
export class AiChatRequestDto {
  @IsString()
  @Matches(SESSION_ID_PATTERN, { message: 'id must be a session id: 1-64 characters from [A-Za-z0-9_-]' })
  id!: string;

  /** UI messages; read by `lastUserMessage`, which checks the one it uses. */
  @IsArray()
  @ArrayMinSize(1)
  @Allow()
  messages!: unknown[];

  @IsIn(['submit-message', 'regenerate-message'])
  trigger!: 'submit-message' | 'regenerate-message';

  @OptionalField()
  @IsString()
  @MaxLength(256)
  messageId?: string;
}
