import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';

export interface MintOptions {
  /** e.g. '10m', or '-1m' for an already expired token. @default '10m' */
  expiresIn?: string;
  audience?: string;
  /** Signing secret other than the gateways': a forged token. */
  secret?: string;
  tenant?: string;
}

/**
 * The identity provider of tools and tests: gateways that run with its `gatewayEnv()` verify the HS256
 * JWTs it mints. Production deployments use their own provider (docs/security.md).
 */
export class DevIdentity {
  constructor(
    readonly secret: string = randomBytes(36).toString('base64url'),
    readonly audience = 'litesession-dev',
  ) {}

  /** The gateway settings that make it verify this provider's tokens. */
  gatewayEnv(): Record<string, string> {
    return { AUTH_MODE: 'jwt', JWT_SECRET: this.secret, JWT_AUDIENCE: this.audience };
  }

  /** A connection JWT for `userId`. */
  mint(userId: string, options: MintOptions = {}): Promise<string> {
    const claims = options.tenant === undefined ? {} : { tenant: options.tenant };
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(userId)
      .setAudience(options.audience ?? this.audience)
      .setIssuedAt()
      .setExpirationTime(options.expiresIn ?? '10m')
      .sign(new TextEncoder().encode(options.secret ?? this.secret));
  }
}
