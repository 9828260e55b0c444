import fc from 'fast-check';
import { ResumeTokens } from './resume-tokens';
import type { Subject } from './subject';

describe('ResumeTokens', () => {
  let now = 1_800_000_000_000;
  const clock = () => now;
  const secret = 's'.repeat(32);
  const tokens = new ResumeTokens({ current: secret }, 3_600_000, clock);
  const alice: Subject = { userId: 'alice', tenant: 'acme' };
  const bob: Subject = { userId: 'bob', tenant: 'acme' };

  it('accepts the token it issued for the session and subject, until it expires', () => {
    const { token, expiresAt } = tokens.issue('session-1', alice);
    expect(expiresAt).toBe(now + 3_600_000);
    expect(tokens.verify('session-1', alice, token)).toBe('valid');
    now += 3_600_000;
    expect(tokens.verify('session-1', alice, token)).toBe('expired');
    now -= 3_600_000;
  });

  it.each<[string, () => string, Subject]>([
    ['another session’s token', () => tokens.issue('session-2', alice).token, alice],
    ['the session’s token of another user', () => tokens.issue('session-1', bob).token, alice],
    [
      'the same user id in another tenant',
      () => tokens.issue('session-1', { userId: 'alice', tenant: 'other' }).token,
      alice,
    ],
    ['an empty token', () => '', alice],
    [
      'a token from another secret',
      () => new ResumeTokens({ current: 't'.repeat(32) }, 60_000).issue('session-1', alice).token,
      alice,
    ],
    ['a huge string', () => 'x'.repeat(100_000), alice],
  ])('refuses %s', (_, token, subject) => {
    expect(tokens.verify('session-1', subject, token())).toBe('invalid');
  });

  it('refuses a token whose expiry was moved, even into the future', () => {
    const { token } = tokens.issue('session-1', alice);
    const [version, expiry, mac] = token.split('.');
    expect(tokens.verify('session-1', alice, `${version}.${Number(expiry) + 3600}.${mac}`)).toBe('invalid');
  });

  it('refuses every token with any one character changed', () => {
    const { token } = tokens.issue('session-1', alice);
    fc.assert(
      fc.property(
        fc.nat({ max: token.length - 1 }),
        fc.string({ minLength: 1, maxLength: 1 }),
        (index, replacement) => {
          fc.pre(token[index] !== replacement);
          const altered = token.slice(0, index) + replacement + token.slice(index + 1);
          expect(tokens.verify('session-1', alice, altered)).toBe('invalid');
        },
      ),
    );
  });

  it('never throws, whatever it is given', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string(),
        fc.option(fc.string(), { nil: undefined }),
        fc.string(),
        (sessionId, userId, tenant, token) => {
          const subject: Subject = tenant === undefined ? { userId } : { userId, tenant };
          expect(['valid', 'invalid', 'expired']).toContain(tokens.verify(sessionId, subject, token));
        },
      ),
    );
  });

  it('accepts tokens of the previous secret during a rotation, and signs with the new one', () => {
    const old = new ResumeTokens({ current: secret }, 60_000, clock);
    const rotated = new ResumeTokens({ current: 'n'.repeat(32), previous: secret }, 60_000, clock);
    const done = new ResumeTokens({ current: 'n'.repeat(32) }, 60_000, clock);
    const issuedBefore = old.issue('session-1', alice).token;
    expect(rotated.verify('session-1', alice, issuedBefore)).toBe('valid');
    const issuedDuring = rotated.issue('session-1', alice).token;
    expect(done.verify('session-1', alice, issuedDuring)).toBe('valid');
    expect(done.verify('session-1', alice, issuedBefore)).toBe('invalid');
  });

  it('issues the same token on every node with the same secret', () => {
    const other = new ResumeTokens({ current: secret }, 3_600_000, clock);
    expect(other.issue('abc', alice)).toEqual(tokens.issue('abc', alice));
  });

  it('refuses a short secret', () => {
    expect(() => new ResumeTokens({ current: 'short' }, 60_000)).toThrow('at least 32 bytes');
    expect(() => new ResumeTokens({ current: secret, previous: 'short' }, 60_000)).toThrow(
      'at least 32 bytes',
    );
  });
});
