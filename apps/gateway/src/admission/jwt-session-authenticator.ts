import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify, type JWTVerifyGetKey } from 'jose';
import {
  AuthenticationError,
  type AuthenticationRequest,
  SessionAuthenticator,
} from './session-authenticator';
import type { Subject } from './subject';

/** How JWTs are checked (docs/security.md). Exactly one of `secret` and `jwksUrl`. */
export interface JwtSettings {
  /** HS256 shared secret, at least 32 bytes. */
  secret?: string;
  /** URL of the identity provider's JSON Web Key Set (RS256, ES256, EdDSA, PS256 keys). */
  jwksUrl?: string;
  /** Required `aud` (one of them, when the token has several). */
  audience?: string;
  /** Required `iss`. */
  issuer?: string;
  /** Leeway for `exp` and `nbf`, in seconds. */
  clockToleranceSeconds: number;
  /** Claim that names the user's tenant, if the tokens carry one. */
  tenantClaim: string;
}

const ASYMMETRIC = ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'];
const MAX_CLAIM_LENGTH = 256;

/**
 * Verifies connection JWTs as Centrifugo does for its connection tokens: the signature (HS256 with a
 * shared secret, or a key from the provider's JWKS), `exp` (required), `nbf`, and `aud`/`iss` when set;
 * `sub` is the user id (required, non-empty) and an optional tenant claim the tenant.
 */
export class JwtSessionAuthenticator extends SessionAuthenticator {
  readonly description: string;
  private readonly key: Uint8Array | JWTVerifyGetKey;
  private readonly algorithms: string[];

  constructor(private readonly settings: JwtSettings) {
    super();
    if ((settings.secret === undefined) === (settings.jwksUrl === undefined)) {
      throw new Error('JWT verification needs exactly one of a secret and a JWKS URL');
    }
    if (settings.secret !== undefined) {
      if (Buffer.byteLength(settings.secret, 'utf8') < 32)
        throw new Error('The JWT secret must be at least 32 bytes');
      this.key = new TextEncoder().encode(settings.secret);
      this.algorithms = ['HS256'];
      this.description = 'JWT (HS256 shared secret)';
    } else {
      // jose caches the key set and re-fetches it when a token names an unknown key id.
      this.key = createRemoteJWKSet(new URL(settings.jwksUrl as string), { timeoutDuration: 5000 });
      this.algorithms = ASYMMETRIC;
      this.description = `JWT (keys from ${settings.jwksUrl})`;
    }
  }

  async authenticate({ credential }: AuthenticationRequest): Promise<Subject> {
    if (credential === undefined || credential === '') {
      throw new AuthenticationError('unauthorized', 'A token is required (handshake auth.token)');
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(credential, this.key as Uint8Array, {
        algorithms: this.algorithms,
        clockTolerance: this.settings.clockToleranceSeconds,
        requiredClaims: ['sub', 'exp'],
        ...(this.settings.audience === undefined ? {} : { audience: this.settings.audience }),
        ...(this.settings.issuer === undefined ? {} : { issuer: this.settings.issuer }),
      }));
    } catch (error) {
      throw toAuthenticationError(error);
    }
    return this.subjectOf(payload);
  }

  private subjectOf(payload: JWTPayload): Subject {
    const { sub, exp } = payload;
    if (typeof sub !== 'string' || sub === '' || sub.length > MAX_CLAIM_LENGTH) {
      throw new AuthenticationError('unauthorized', 'The token\'s "sub" must name the user');
    }
    const tenant = payload[this.settings.tenantClaim];
    if (
      tenant !== undefined &&
      (typeof tenant !== 'string' || tenant === '' || tenant.length > MAX_CLAIM_LENGTH)
    ) {
      throw new AuthenticationError(
        'unauthorized',
        `The token's "${this.settings.tenantClaim}" must be a string`,
      );
    }
    const subject: Subject = { userId: sub, expiresAt: (exp as number) * 1000 };
    if (typeof tenant === 'string') subject.tenant = tenant;
    return subject;
  }
}

function toAuthenticationError(error: unknown): AuthenticationError {
  if (error instanceof errors.JWTExpired) {
    return new AuthenticationError('token_expired', 'The token has expired; connect with a fresh one');
  }
  if (error instanceof errors.JWKSTimeout || !(error instanceof errors.JOSEError)) {
    // The key set could not be fetched: nothing is wrong with the client's token as far as we know.
    return new AuthenticationError('unavailable', 'The token could not be checked now; try again', {
      cause: error,
    });
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new AuthenticationError('unauthorized', `The token was refused: ${error.claim} ${error.reason}`);
  }
  return new AuthenticationError('unauthorized', `The token was refused (${error.code})`);
}
