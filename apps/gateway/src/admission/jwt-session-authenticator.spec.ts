import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { type CryptoKey, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { JwtSessionAuthenticator, type JwtSettings } from './jwt-session-authenticator';
import { AuthenticationError } from './session-authenticator';

const SECRET = 'j'.repeat(32);
const base: JwtSettings = {
  secret: SECRET,
  audience: 'ls',
  issuer: 'idp',
  clockToleranceSeconds: 0,
  tenantClaim: 'tenant',
};

function sign(
  claims: Record<string, unknown>,
  { exp = '5m', key = SECRET, alg = 'HS256' } = {},
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg })
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(key));
}

async function failureOf(
  authenticator: JwtSessionAuthenticator,
  credential: string | undefined,
): Promise<string> {
  try {
    await authenticator.authenticate({ credential, address: '127.0.0.1' });
    return 'accepted';
  } catch (error) {
    return error instanceof AuthenticationError ? error.failure : `untyped: ${String(error)}`;
  }
}

describe('JwtSessionAuthenticator (HS256)', () => {
  const authenticator = new JwtSessionAuthenticator(base);

  it('accepts a valid token: the user from sub, the tenant from its claim, the expiry from exp', async () => {
    const subject = await authenticator.authenticate({
      credential: await sign({ sub: 'alice', tenant: 'acme', aud: 'ls', iss: 'idp' }),
      address: '127.0.0.1',
    });
    expect(subject).toMatchObject({ userId: 'alice', tenant: 'acme' });
    expect(subject.expiresAt).toBeGreaterThan(Date.now());
  });

  it.each<[string, () => Promise<string | undefined>, string]>([
    ['no token', async () => undefined, 'unauthorized'],
    ['an expired token', () => sign({ sub: 'a', aud: 'ls', iss: 'idp' }, { exp: '-1m' }), 'token_expired'],
    [
      'a token not valid yet',
      async () =>
        new SignJWT({ sub: 'a', aud: 'ls', iss: 'idp' })
          .setProtectedHeader({ alg: 'HS256' })
          .setExpirationTime('5m')
          .setNotBefore('2m')
          .sign(new TextEncoder().encode(SECRET)),
      'unauthorized',
    ],
    ['another audience', () => sign({ sub: 'a', aud: 'other', iss: 'idp' }), 'unauthorized'],
    ['another issuer', () => sign({ sub: 'a', aud: 'ls', iss: 'evil' }), 'unauthorized'],
    ['no sub', () => sign({ aud: 'ls', iss: 'idp' }), 'unauthorized'],
    ['an empty sub', () => sign({ sub: '', aud: 'ls', iss: 'idp' }), 'unauthorized'],
    ['a numeric tenant', () => sign({ sub: 'a', tenant: 7, aud: 'ls', iss: 'idp' }), 'unauthorized'],
    ['another key', () => sign({ sub: 'a', aud: 'ls', iss: 'idp' }, { key: 'k'.repeat(32) }), 'unauthorized'],
    [
      'HS512 instead of HS256',
      () => sign({ sub: 'a', aud: 'ls', iss: 'idp' }, { alg: 'HS512', key: 'k'.repeat(64) }),
      'unauthorized',
    ],
    [
      'alg none',
      async () =>
        `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"a","aud":"ls","iss":"idp","exp":9999999999}').toString('base64url')}.`,
      'unauthorized',
    ],
  ])('refuses %s', async (_, credential, failure) => {
    expect(await failureOf(authenticator, await credential())).toBe(failure);
  });

  it('refuses any other string with a typed error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), async (credential) => {
        expect(['unauthorized', 'token_expired']).toContain(await failureOf(authenticator, credential));
      }),
      { numRuns: 300 },
    );
  });
});

describe('JwtSessionAuthenticator (JWKS)', () => {
  let server: Server;
  let jwksUrl: string;
  let privateKey: CryptoKey;

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const settings = (url: string): JwtSettings => ({
    jwksUrl: url,
    clockToleranceSeconds: 0,
    tenantClaim: 'tenant',
  });

  it('accepts a token signed with a key of the set', async () => {
    const credential = await new SignJWT({ sub: 'bob' })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setExpirationTime('5m')
      .sign(privateKey);
    await expect(
      new JwtSessionAuthenticator(settings(jwksUrl)).authenticate({ credential, address: 'x' }),
    ).resolves.toMatchObject({
      userId: 'bob',
    });
  });

  it('answers unavailable, not unauthorized, when the key set cannot be fetched', async () => {
    const credential = await new SignJWT({ sub: 'bob' })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setExpirationTime('5m')
      .sign(privateKey);
    const unreachable = new JwtSessionAuthenticator(settings('http://127.0.0.1:1/jwks.json'));
    expect(await failureOf(unreachable, credential)).toBe('unavailable');
  });

  it('refuses an HS256 token made with the public key as secret (algorithm confusion)', async () => {
    const credential = await sign({ sub: 'bob' }, { key: 'x'.repeat(40) });
    expect(await failureOf(new JwtSessionAuthenticator(settings(jwksUrl)), credential)).toBe('unauthorized');
  });
});
