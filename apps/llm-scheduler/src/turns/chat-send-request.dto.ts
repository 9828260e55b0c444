import {
  Equals,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import type { ChatRequest } from '@litesession/chat-protocol';

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

  @Matches(/^[A-Za-z0-9_-]{1,64}$/)
  sessionId!: string;

  @IsString()
  @MaxLength(128)
  turnId!: string;

  @ValidateIf((request: ChatRequestDto) => request.kind === 'chat.send' || request.text !== undefined)
  @IsString()
  @MaxLength(100_000)
  text?: string;

  @IsOptional()
  @IsString()
  @MaxLength(128)
  clientMessageId?: string;

  @IsInt()
  @Min(0)
  ts!: number;
}
