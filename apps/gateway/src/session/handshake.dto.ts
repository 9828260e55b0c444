import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

/**
 * The Socket.IO handshake `auth` (docs/protocol.md): `{}` starts a new session;
 * `{ sessionId, resumeToken, lastSeq? }` resumes one from after `lastSeq` (absent: from the start).
 */
export class HandshakeDto {
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'sessionId must be 1-64 characters from [A-Za-z0-9_-]' })
  sessionId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(128)
  resumeToken?: string;

  @IsOptional()
  @IsInt()
  @Min(-1)
  @Max(Number.MAX_SAFE_INTEGER)
  lastSeq?: number;
}
