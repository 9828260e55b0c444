import { IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { CLIENT_MESSAGE_ID_PATTERN, type ShapeLimits } from '@litesession/chat-protocol';
import { OptionalField } from '@litesession/edge';

/** Longest `chat.send` text the DTO accepts; the configurable, lower limit is checked by the handler. */
export const MAX_TEXT_CHARS_LIMIT = 100_000;

/** Client → server payloads are flat objects of a few fields. */
export const CHAT_PAYLOAD_SHAPE: ShapeLimits = {
  maxDepth: 1,
  maxEntries: 4,
  maxStringLength: MAX_TEXT_CHARS_LIMIT,
};

/** `chat.send` payload (docs/protocol.md). */
export class ChatSendDto {
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_TEXT_CHARS_LIMIT)
  text!: string;

  @OptionalField()
  @IsString()
  @Matches(CLIENT_MESSAGE_ID_PATTERN, {
    message: 'clientMessageId must be 1-64 characters from [A-Za-z0-9_-]',
  })
  clientMessageId?: string;
}
