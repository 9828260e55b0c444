import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Resume tokens: an HMAC-SHA256 of the session id under the server secret, base64url. Any gateway node with
 * the same secret can check one, so resuming needs no shared state; knowing a session id is not enough.
 */
export class ResumeTokens {
  private readonly key: Buffer;

  constructor(secret: string) {
    if (Buffer.byteLength(secret, 'utf8') < 32) {
      throw new Error('The session secret must be at least 32 bytes');
    }
    this.key = Buffer.from(secret, 'utf8');
  }

  issue(sessionId: string): string {
    return createHmac('sha256', this.key).update(sessionId, 'utf8').digest('base64url');
  }

  /** Constant-time check; false for anything that is not this session's token. */
  verify(sessionId: string, token: string): boolean {
    const expected = Buffer.from(this.issue(sessionId), 'utf8');
    const given = Buffer.from(token, 'utf8');
    // The length is no secret (always 43 characters); the content is compared in constant time.
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
