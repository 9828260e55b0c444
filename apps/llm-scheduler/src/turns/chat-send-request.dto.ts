import { Equals, IsIn, IsInt, IsString, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import {
  CLIENT_MESSAGE_ID_PATTERN,
  type ChatRequest,
  MAX_TURN_ID_LENGTH,
  SESSION_ID_PATTERN,
  type ShapeLimits,
} from '@litesession/chat-protocol';
import { OptionalField } from '@litesession/edge';

/** Longest text a request may carry (the gateways' configurable limit is at most this). */
const MAX_REQUEST_TEXT = 100_000;

/** A request is a flat object of at most eight fields. */
export const CHAT_REQUEST_SHAPE: ShapeLimits = {
  maxDepth: 1,
  maxEntries: 8,
  maxStringLength: MAX_REQUEST_TEXT,
};

/**
 * A request as read from `chat-requests` (written by gateways with encodeChatRequest). Validated at the
 * edge like any client input: a malformed request fails, is retried by the group and ends in its
 * dead-letter queue for inspection, without touching the session's log.
 */
export class ChatRequestDto {
  @Equals(1)
  v!: 1;

  @IsIn(['chat.send', 'chat.cancel'])
  kind!: ChatRequest['kind'];

  @Matches(SESSION_ID_PATTERN)
  sessionId!: string;

  @IsString()
  @MaxLength(MAX_TURN_ID_LENGTH)
  turnId!: string;

  @ValidateIf((request: ChatRequestDto) => request.kind === 'chat.send' || request.text !== undefined)
  @IsString()
  @MaxLength(MAX_REQUEST_TEXT)
  text?: string;

  @OptionalField()
  @IsString()
  @Matches(CLIENT_MESSAGE_ID_PATTERN)
  clientMessageId?: string;

  @IsInt()
  @Min(0)
  ts!: number;

  @OptionalField()
  @IsInt()
  @Min(1)
  @Max(1000)
  resend?: number;
}
