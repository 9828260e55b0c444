import { IsString, MaxLength, MinLength } from 'class-validator';

/** `chat.cancel` payload (docs/protocol.md). */
export class ChatCancelDto {
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  turnId!: string;
}
