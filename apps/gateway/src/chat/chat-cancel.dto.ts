import { IsString, MaxLength, MinLength } from 'class-validator';
import { MAX_TURN_ID_LENGTH } from '@litesession/chat-protocol';

/** `chat.cancel` payload (docs/protocol.md). */
export class ChatCancelDto {
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_TURN_ID_LENGTH)
  turnId!: string;
}
