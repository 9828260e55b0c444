import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { HandshakeDto } from './handshake.dto';

export type Handshake =
  { kind: 'new' } | { kind: 'resume'; sessionId: string; resumeToken: string; fromSeq: number };

export class InvalidHandshakeError extends Error {
  override name = 'InvalidHandshakeError';
}

/** Validates the handshake `auth` (ValidationPipe rules: whitelist, no unknown fields) and says what it asks for. */
export function parseHandshake(auth: unknown): Handshake {
  if (auth === undefined || auth === null) return { kind: 'new' };
  if (typeof auth !== 'object' || Array.isArray(auth))
    throw new InvalidHandshakeError('auth must be an object');
  const dto = plainToInstance(HandshakeDto, auth);
  const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    throw new InvalidHandshakeError(errors.flatMap((e) => Object.values(e.constraints ?? {})).join('; '));
  }
  if (dto.sessionId === undefined && dto.resumeToken === undefined && dto.lastSeq === undefined)
    return { kind: 'new' };
  if (dto.sessionId === undefined || dto.resumeToken === undefined) {
    throw new InvalidHandshakeError('resuming needs both sessionId and resumeToken');
  }
  return {
    kind: 'resume',
    sessionId: dto.sessionId,
    resumeToken: dto.resumeToken,
    fromSeq: (dto.lastSeq ?? -1) + 1,
  };
}
