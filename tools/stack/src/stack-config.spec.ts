import { loadStackConfig, StackConfigError } from './stack-config';

describe('loadStackConfig', () => {
  it('defaults to the balancer on 3000, node-a/node-b on 3001/3002 and the scheduler on 3100', () => {
    const config = loadStackConfig({});

    expect(config.balancerPort).toBe(3000);
    expect(config.gateways).toEqual([
      { id: 'node-a', port: 3001 },
      { id: 'node-b', port: 3002 },
    ]);
    expect(config.scheduler).toEqual({ id: 'scheduler-1', port: 3100 });
  });

  it('generates a fresh 48-character secret per run unless SESSION_SECRET is set', () => {
    const [first, second] = [loadStackConfig({}), loadStackConfig({})];
    const fixed = loadStackConfig({ SESSION_SECRET: 's'.repeat(40) });

    expect(first.sessionSecret).toMatch(/^[A-Za-z0-9_-]{48}$/);
    expect(second.sessionSecret).not.toBe(first.sessionSecret);
    expect(first.secretSource).toBe('generated');
    expect(fixed).toMatchObject({ sessionSecret: 's'.repeat(40), secretSource: 'environment' });
  });

  it('runs one gateway node per port of STACK_GATEWAY_PORTS', () => {
    const config = loadStackConfig({ STACK_PORT: '4000', STACK_GATEWAY_PORTS: '4001,4002,4003' });

    expect(config.balancerPort).toBe(4000);
    expect(config.gateways.map((g) => `${g.id}:${g.port}`)).toEqual([
      'node-a:4001',
      'node-b:4002',
      'node-c:4003',
    ]);
  });

  it('reports every problem at once', () => {
    const load = () =>
      loadStackConfig({ STACK_PORT: 'x', STACK_SCHEDULER_PORT: '70000', SESSION_SECRET: 'short' });

    expect(load).toThrow(StackConfigError);
    expect(load).toThrow(
      [
        'Invalid stack settings:',
        '  - STACK_PORT must be a port number 1-65535 (got "x")',
        '  - STACK_SCHEDULER_PORT must be a port number 1-65535 (got "70000")',
        '  - SESSION_SECRET must be at least 32 characters (or unset it for a random one per run)',
      ].join('\n'),
    );
  });

  it('refuses overlapping ports', () => {
    expect(() => loadStackConfig({ STACK_GATEWAY_PORTS: '3001,3100' })).toThrow(
      "the stack's ports overlap: 3000, 3001, 3100, 3100",
    );
  });

  it('runs the simulated model unless --model or STACK_MODEL asks for the local one', () => {
    expect(loadStackConfig({}).model).toBe('simulated');
    expect(loadStackConfig({}, ['--model', 'local'])).toMatchObject({ model: 'local', modelPort: 8090 });
    expect(loadStackConfig({ STACK_MODEL_PORT: '9000' }, ['--model=local']).modelPort).toBe(9000);
    expect(loadStackConfig({ STACK_MODEL: 'local' }).model).toBe('local');
    expect(loadStackConfig({ STACK_MODEL: 'local' }, ['--model', 'simulated']).model).toBe('simulated');
  });

  it('refuses an unknown model or argument, and a model port that another node has', () => {
    expect(() => loadStackConfig({}, ['--model', 'gpt'])).toThrow(
      '--model (or STACK_MODEL) must be simulated or local (got "gpt")',
    );
    expect(() => loadStackConfig({}, ['--model'])).toThrow('(got "")');
    expect(() => loadStackConfig({}, ['--verbose'])).toThrow('unknown argument "--verbose"');
    expect(() => loadStackConfig({ STACK_MODEL_PORT: '3001' }, ['--model', 'local'])).toThrow(
      "the stack's ports overlap",
    );
    expect(loadStackConfig({ STACK_MODEL_PORT: '3001' }).model).toBe('simulated'); // unused without it
  });
});
