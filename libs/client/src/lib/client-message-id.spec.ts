import { createClientMessageId, isClientMessageId } from './client-message-id';

describe('clientMessageId', () => {
  it('creates distinct ids the protocol accepts', () => {
    const ids = new Set(Array.from({ length: 100 }, () => createClientMessageId()));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(isClientMessageId(id)).toBe(true);
  });

  it('validates 1-64 characters of [A-Za-z0-9_-]', () => {
    expect(isClientMessageId('a-B_9')).toBe(true);
    expect(isClientMessageId('')).toBe(false);
    expect(isClientMessageId('x'.repeat(65))).toBe(false);
    expect(isClientMessageId('a b')).toBe(false);
  });
});
