import fc from 'fast-check';
import { EnvValidationError } from '@litesession/edge';
import { GatewayEnv, validateGatewayEnv } from './gateway.env';

const secret = 's'.repeat(32);
const jwt = { SESSION_SECRET: secret, JWT_SECRET: 'j'.repeat(32) };

describe('validateGatewayEnv', () => {
  it('applies defaults', () => {
    const env = validateGatewayEnv(jwt);
    expect(env).toMatchObject({
      PORT: 3000,
      HOST: '127.0.0.1',
      ROCKETMQ_ENDPOINTS: '127.0.0.1:8081',
      AUTH_MODE: 'jwt',
      RESUME_TOKEN_TTL_SECONDS: 86_400,
      MAX_SESSIONS_PER_NODE: 10_000,
      TRUSTED_PROXIES: '',
      ROCKETMQ_COALESCE_ACKS: 'false',
      ROCKETMQ_RECEIVE_LINGER_MS: 0,
      CORS_ORIGINS: '',
      GATEWAY_GROUP_INDEX: 0,
    });
    expect(env.GATEWAY_NODE_ID).toMatch(/^[A-Za-z0-9_.-]+$/);
  });

  it('takes CORS_ORIGINS as * or a list of http(s) origins, and nothing else', () => {
    for (const origins of ['*', 'https://app.example.com', 'http://127.0.0.1:3000, https://a.b']) {
      expect(validateGatewayEnv({ ...jwt, CORS_ORIGINS: origins }).CORS_ORIGINS).toBe(origins);
    }
    for (const origins of ['javascript:alert(1)', 'https://a.b/path', '*,https://a.b']) {
      expect(() => validateGatewayEnv({ ...jwt, CORS_ORIGINS: origins })).toThrow(/CORS_ORIGINS/);
    }
  });

  it('takes GATEWAY_GROUP_INDEX as a whole number 0 … 1023', () => {
    expect(validateGatewayEnv({ ...jwt, GATEWAY_GROUP_INDEX: '3' }).GATEWAY_GROUP_INDEX).toBe(3);
    for (const index of ['-1', '1024', 'one', '1.5']) {
      expect(() => validateGatewayEnv({ ...jwt, GATEWAY_GROUP_INDEX: index })).toThrow(/GATEWAY_GROUP_INDEX/);
    }
  });

  it('reads values from strings', () => {
    expect(validateGatewayEnv({ ...jwt, PORT: '4001', GATEWAY_NODE_ID: 'node-b' })).toMatchObject({
      PORT: 4001,
      GATEWAY_NODE_ID: 'node-b',
    });
  });

  it('needs a way to check JWTs unless anonymous mode is asked for explicitly', () => {
    expect(() => validateGatewayEnv({ SESSION_SECRET: secret })).toThrow('JWT_SECRET or JWT_JWKS_URL');
    expect(validateGatewayEnv({ SESSION_SECRET: secret, AUTH_MODE: 'anonymous' }).AUTH_MODE).toBe(
      'anonymous',
    );
    expect(
      validateGatewayEnv({
        SESSION_SECRET: secret,
        JWT_JWKS_URL: 'https://idp.example/.well-known/jwks.json',
      }),
    ).toMatchObject({ AUTH_MODE: 'jwt' });
  });

  it('reports every problem at once', () => {
    let message = '';
    try {
      validateGatewayEnv({
        SESSION_SECRET: 'short',
        PORT: 'http',
        ROCKETMQ_ENDPOINTS: 'nohost',
        GATEWAY_NODE_ID: 'a b',
        AUTH_MODE: 'open',
        SESSION_SECRET_PREVIOUS: 'short',
        ROCKETMQ_COALESCE_ACKS: 'yes',
        ROCKETMQ_RECEIVE_LINGER_MS: '500',
      });
    } catch (error) {
      message = (error as Error).message;
    }
    for (const name of [
      'SESSION_SECRET',
      'PORT',
      'ROCKETMQ_ENDPOINTS',
      'GATEWAY_NODE_ID',
      'AUTH_MODE',
      'SESSION_SECRET_PREVIOUS',
      'ROCKETMQ_COALESCE_ACKS',
      'ROCKETMQ_RECEIVE_LINGER_MS',
    ])
      expect(message).toContain(name);
  });

  it('requires the session secret', () => {
    expect(() => validateGatewayEnv({ JWT_SECRET: 'j'.repeat(32) })).toThrow('SESSION_SECRET');
  });

  it('throws nothing but EnvValidationError for any environment', () => {
    const names = Object.keys(new GatewayEnv());
    const value = fc.oneof(
      fc.string(),
      fc.stringMatching(/^-?\d{0,20}$/),
      fc.constantFrom('', ' ', '0', '-1', '1e9', 'NaN'),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...names, 'OTHER'), value), (raw) => {
        try {
          validateGatewayEnv({ ...jwt, ...raw });
        } catch (error) {
          expect(error).toBeInstanceOf(EnvValidationError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
