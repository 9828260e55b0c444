import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { checkShape, MAX_CREDENTIAL_LENGTH } from '@litesession/chat-protocol';
import { type AdmissionRequest, InvalidHandshakeError } from '../admission/admission-request';
import { HandshakeDto } from './handshake.dto';

export { InvalidHandshakeError };

export type ClientRequest = Omit<AdmissionRequest, 'address'>;

/** A handshake is a flat object of at most four fields. */
const HANDSHAKE_SHAPE = { maxDepth: 1, maxEntries: 4, maxStringLength: MAX_CREDENTIAL_LENGTH };

/**
 * Reads the handshake `auth` into what it asks for. Its shape is checked before anything walks it; then
 * the DTO rules apply (whitelist, no unknown fields). Throws InvalidHandshakeError and nothing else.
 */
export function parseHandshake(auth: unknown): ClientRequest {
  // socket.io-client sends {} when the app set no auth; a missing object is the same request.
  const shape = checkShape(auth === undefined ? {} : auth, HANDSHAKE_SHAPE);
  if (!shape.ok) throw new InvalidHandshakeError(`auth: ${shape.problem}`);
  const dto = plainToInstance(HandshakeDto, auth ?? {});
  const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    throw new InvalidHandshakeError(errors.flatMap((e) => Object.values(e.constraints ?? {})).join('; '));
  }
  const credential = dto.token;
  if (dto.sessionId === undefined && dto.resumeToken === undefined && dto.lastSeq === undefined) {
    return { credential };
  }
  if (dto.sessionId === undefined || dto.resumeToken === undefined) {
    throw new InvalidHandshakeError('resuming needs both sessionId and resumeToken');
  }
  return {
    credential,
    resume: { sessionId: dto.sessionId, resumeToken: dto.resumeToken, fromSeq: (dto.lastSeq ?? -1) + 1 },
  };
}
