import { IsInt, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { OptionalField } from '@litesession/edge';
import {
  MAX_CREDENTIAL_LENGTH,
  MAX_RESUME_TOKEN_LENGTH,
  SESSION_ID_PATTERN,
} from '@litesession/chat-protocol';

/**
 * The Socket.IO handshake `auth` (docs/protocol.md): `{ token? }` starts a new session;
 * `{ token?, sessionId, resumeToken, lastSeq? }` resumes one from after `lastSeq` (absent: from the start).
 * A field may be left out; none may be null.
 */
export class HandshakeDto {
  @OptionalField()
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_CREDENTIAL_LENGTH)
  token?: string;

  @OptionalField()
  @IsString()
  @Matches(SESSION_ID_PATTERN, { message: 'sessionId must be 1-64 characters from [A-Za-z0-9_-]' })
  sessionId?: string;

  @OptionalField()
  @IsString()
  @MaxLength(MAX_RESUME_TOKEN_LENGTH)
  resumeToken?: string;

  @OptionalField()
  @IsInt()
  @Min(-1)
  @Max(Number.MAX_SAFE_INTEGER)
  lastSeq?: number;
}
