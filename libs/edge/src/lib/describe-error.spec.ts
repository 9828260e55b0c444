import { toMessage, toStack } from './describe-error';

describe('toMessage and toStack', () => {
  it('give an Error’s message and stack', () => {
    const error = new Error('broker busy');
    expect(toMessage(error)).toBe('broker busy');
    expect(toStack(error)).toContain('broker busy');
    expect(toStack(error)).toContain('describe-error.spec');
  });

  it('show the fields of a thrown plain object (Nest RpcException payloads), never [object Object]', () => {
    expect(toStack({ status: 'error', message: ['text must be a string'] })).toBe(
      '{"status":"error","message":["text must be a string"]}',
    );
  });

  it('survive objects JSON cannot write', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(toStack(cyclic)).toBe('[object Object]');
    expect(toStack(10n)).toBe('10');
  });
});
