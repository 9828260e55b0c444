import { ResumeTokens } from './resume-token';

describe('ResumeTokens', () => {
  const tokens = new ResumeTokens('s'.repeat(32));

  it('accepts the token it issued for the session', () => {
    expect(tokens.verify('session-1', tokens.issue('session-1'))).toBe(true);
  });

  it.each([
    ['another session’s token', () => tokens.issue('session-2')],
    ['an empty token', () => ''],
    ['a truncated token', () => tokens.issue('session-1').slice(0, -1)],
    [
      'a token with one character changed',
      () => tokens.issue('session-1').replace(/^./, (c) => (c === 'A' ? 'B' : 'A')),
    ],
    ['a token from another secret', () => new ResumeTokens('t'.repeat(32)).issue('session-1')],
    ['a huge string', () => 'x'.repeat(100_000)],
  ])('refuses %s', (_, token) => {
    expect(tokens.verify('session-1', token())).toBe(false);
  });

  it('issues the same token on every node with the same secret', () => {
    expect(new ResumeTokens('s'.repeat(32)).issue('abc')).toBe(tokens.issue('abc'));
  });

  it('refuses a short secret', () => {
    expect(() => new ResumeTokens('short')).toThrow('at least 32 bytes');
  });
});
