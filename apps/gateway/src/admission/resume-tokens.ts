import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Subject } from './subject';

/** The secrets of the resume tokens: `current` signs and verifies, `previous` only verifies (rotation). */
export interface ResumeTokenSecrets {
  current: string;
  previous?: string;
}

export type ResumeTokenVerdict = 'valid' | 'invalid' | 'expired';

/** What a resume token binds: the session, the subject that owns it, and an expiry. */
export interface IssuedResumeToken {
  token: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

const VERSION = '2';
const MIN_SECRET_BYTES = 32;
/** `2.<expiry, seconds since the epoch>.<HMAC-SHA256, base64url>` */
const FORMAT = /^2\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

/**
 * Resume tokens (docs/security.md): an HMAC-SHA256 under the server secret of the session id, the
 * subject's tenant and user id, and an expiry. Any node with the secret checks one without shared state.
 * A token proves that this subject was given this session and that the grant has not expired; it is
 * re-issued on every connect. Rotation: nodes accept tokens of the previous secret too, for a while.
 */
export class ResumeTokens {
  private readonly signingKey: Buffer;
  private readonly verifyingKeys: readonly Buffer[];

  constructor(
    secrets: ResumeTokenSecrets,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    for (const [name, secret] of Object.entries(secrets)) {
      if (secret !== undefined && Buffer.byteLength(secret, 'utf8') < MIN_SECRET_BYTES) {
        throw new Error(`The ${name} session secret must be at least ${MIN_SECRET_BYTES} bytes`);
      }
    }
    if (!(ttlMs >= 1000)) throw new Error('The resume token lifetime must be at least 1 s');
    this.signingKey = Buffer.from(secrets.current, 'utf8');
    this.verifyingKeys = [secrets.current, secrets.previous]
      .filter((secret): secret is string => secret !== undefined && secret !== '')
      .map((secret) => Buffer.from(secret, 'utf8'));
  }

  issue(sessionId: string, subject: Subject): IssuedResumeToken {
    const expirySeconds = Math.floor((this.now() + this.ttlMs) / 1000);
    const mac = this.mac(this.signingKey, sessionId, subject, expirySeconds);
    return { token: `${VERSION}.${expirySeconds}.${mac}`, expiresAt: expirySeconds * 1000 };
  }

  /**
   * `valid` only for a token issued for this session to this subject, under a current or previous secret,
   * and not expired; `expired` for such a token past its expiry; `invalid` for anything else. Constant
   * time in the token's content; never throws.
   */
  verify(sessionId: string, subject: Subject, token: string): ResumeTokenVerdict {
    const match = FORMAT.exec(token);
    if (!match) return 'invalid';
    const expirySeconds = Number(match[1]);
    const given = Buffer.from(match[2] as string, 'utf8');
    const genuine = this.verifyingKeys.some((key) => {
      const expected = Buffer.from(this.mac(key, sessionId, subject, expirySeconds), 'utf8');
      return expected.length === given.length && timingSafeEqual(expected, given);
    });
    if (!genuine) return 'invalid';
    return expirySeconds * 1000 > this.now() ? 'valid' : 'expired';
  }

  private mac(key: Buffer, sessionId: string, subject: Subject, expirySeconds: number): string {
    // JSON of a fixed-order array: no two different grants have the same input.
    const grant = JSON.stringify([VERSION, sessionId, subject.tenant ?? null, subject.userId, expirySeconds]);
    return createHmac('sha256', key).update(grant, 'utf8').digest('base64url');
  }
}
