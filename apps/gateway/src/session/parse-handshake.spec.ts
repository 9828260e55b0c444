import { InvalidHandshakeError, parseHandshake } from './parse-handshake';

describe('parseHandshake', () => {
  it.each([undefined, null, {}])('starts a new session for %p', (auth) => {
    expect(parseHandshake(auth)).toEqual({ kind: 'new' });
  });

  it('resumes after lastSeq', () => {
    expect(parseHandshake({ sessionId: 's-1', resumeToken: 't', lastSeq: 41 })).toEqual({
      kind: 'resume',
      sessionId: 's-1',
      resumeToken: 't',
      fromSeq: 42,
    });
  });

  it('resumes from the start without lastSeq', () => {
    expect(parseHandshake({ sessionId: 's-1', resumeToken: 't' })).toMatchObject({ fromSeq: 0 });
  });

  it.each([
    ['a string', 'abc'],
    ['an array', []],
    ['a session id with a slash', { sessionId: 'chat/1', resumeToken: 't' }],
    ['a 65-character session id', { sessionId: 'x'.repeat(65), resumeToken: 't' }],
    ['a numeric session id', { sessionId: 42, resumeToken: 't' }],
    ['a fractional lastSeq', { sessionId: 's', resumeToken: 't', lastSeq: 1.5 }],
    ['a string lastSeq', { sessionId: 's', resumeToken: 't', lastSeq: '4' }],
    ['lastSeq below -1', { sessionId: 's', resumeToken: 't', lastSeq: -2 }],
    ['a huge token', { sessionId: 's', resumeToken: 'x'.repeat(10_000) }],
    ['an unknown field', { sessionId: 's', resumeToken: 't', admin: true }],
    ['a session id without token', { sessionId: 's' }],
    ['a token without session id', { resumeToken: 't' }],
  ])('refuses %s with a typed error', (_, auth) => {
    expect(() => parseHandshake(auth)).toThrow(InvalidHandshakeError);
  });
});
