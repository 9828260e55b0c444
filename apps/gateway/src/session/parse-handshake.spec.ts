import fc from 'fast-check';
import { InvalidHandshakeError, parseHandshake } from './parse-handshake';

describe('parseHandshake', () => {
  it.each([undefined, {}])('starts a new session for %p', (auth) => {
    expect(parseHandshake(auth)).toEqual({ credential: undefined });
  });

  it('passes the credential on', () => {
    expect(parseHandshake({ token: 'jwt' })).toEqual({ credential: 'jwt' });
  });

  it('resumes after lastSeq', () => {
    expect(parseHandshake({ token: 'jwt', sessionId: 's-1', resumeToken: 't', lastSeq: 41 })).toEqual({
      credential: 'jwt',
      resume: { sessionId: 's-1', resumeToken: 't', fromSeq: 42 },
    });
  });

  it('resumes from the start without lastSeq', () => {
    expect(parseHandshake({ sessionId: 's-1', resumeToken: 't' })).toMatchObject({ resume: { fromSeq: 0 } });
  });

  it.each([
    ['null', null],
    ['a string', 'abc'],
    ['an array', []],
    ['a session id with a slash', { sessionId: 'chat/1', resumeToken: 't' }],
    ['a 65-character session id', { sessionId: 'x'.repeat(65), resumeToken: 't' }],
    ['a numeric session id', { sessionId: 42, resumeToken: 't' }],
    ['a null session id next to a token', { sessionId: null, resumeToken: 't' }],
    ['a null token', { token: null }],
    ['a null lastSeq', { sessionId: 's', resumeToken: 't', lastSeq: null }],
    ['a fractional lastSeq', { sessionId: 's', resumeToken: 't', lastSeq: 1.5 }],
    ['a string lastSeq', { sessionId: 's', resumeToken: 't', lastSeq: '4' }],
    ['lastSeq below -1', { sessionId: 's', resumeToken: 't', lastSeq: -2 }],
    ['a huge resume token', { sessionId: 's', resumeToken: 'x'.repeat(10_000) }],
    ['an empty credential', { token: '' }],
    ['an unknown field', { sessionId: 's', resumeToken: 't', admin: true }],
    ['a nested object with a constructor key', { sessionId: { constructor: { name: 'x' } } }],
    ['a __proto__ key', JSON.parse('{"__proto__": {"admin": true}}')],
    ['binary data', { token: Buffer.from('x') }],
    ['a session id without token', { sessionId: 's' }],
    ['a token without session id', { resumeToken: 't' }],
    ['a class instance', new (class Auth {})()],
  ])('refuses %s with a typed error', (_, auth) => {
    expect(() => parseHandshake(auth)).toThrow(InvalidHandshakeError);
  });

  it('throws nothing but InvalidHandshakeError, whatever the client sends', () => {
    const field = fc.constantFrom(
      'token',
      'sessionId',
      'resumeToken',
      'lastSeq',
      '__proto__',
      'constructor',
      'x',
    );
    const auth = fc.oneof(
      fc.anything({
        withNullPrototype: true,
        withBigInt: true,
        withDate: true,
        withMap: true,
        withTypedArray: true,
      }),
      fc.dictionary(field, fc.anything({ maxDepth: 3 })),
      fc.json().map((text) => JSON.parse(text) as unknown),
    );
    fc.assert(
      fc.property(auth, (value) => {
        try {
          parseHandshake(value);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidHandshakeError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
