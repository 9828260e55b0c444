import { IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';

/** `chat.send` payload (docs/protocol.md). The configurable size limit is checked by the handler. */
export class ChatSendDto {
  @IsString()
  @MinLength(1)
  @MaxLength(100_000)
  text!: string;

  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'clientMessageId must be 1-64 characters from [A-Za-z0-9_-]' })
  clientMessageId?: string;
}
