import { validateGatewayEnv } from './gateway.env';

const secret = 's'.repeat(32);

describe('validateGatewayEnv', () => {
  it('applies defaults', () => {
    const env = validateGatewayEnv({ SESSION_SECRET: secret });
    expect(env).toMatchObject({ PORT: 3000, HOST: '127.0.0.1', ROCKETMQ_ENDPOINTS: '127.0.0.1:8081' });
    expect(env.GATEWAY_NODE_ID).toMatch(/^[A-Za-z0-9_.-]+$/);
  });

  it('reads values from strings', () => {
    expect(
      validateGatewayEnv({ SESSION_SECRET: secret, PORT: '4001', GATEWAY_NODE_ID: 'node-b' }),
    ).toMatchObject({
      PORT: 4001,
      GATEWAY_NODE_ID: 'node-b',
    });
  });

  it('reports every problem at once', () => {
    let message = '';
    try {
      validateGatewayEnv({
        SESSION_SECRET: 'short',
        PORT: 'http',
        ROCKETMQ_ENDPOINTS: 'nohost',
        GATEWAY_NODE_ID: 'a b',
      });
    } catch (error) {
      message = (error as Error).message;
    }
    for (const name of ['SESSION_SECRET', 'PORT', 'ROCKETMQ_ENDPOINTS', 'GATEWAY_NODE_ID'])
      expect(message).toContain(name);
  });

  it('requires the session secret', () => {
    expect(() => validateGatewayEnv({})).toThrow('SESSION_SECRET');
  });
});
