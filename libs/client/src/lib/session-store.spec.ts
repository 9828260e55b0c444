import { MemoryStorage, SessionStore } from './session-store';
import type { KeyValueStorage } from './types';

describe('SessionStore', () => {
  it('saves and loads the session under its key', () => {
    const storage = new MemoryStorage();
    const store = new SessionStore(storage, 'k');
    expect(store.load()).toBeUndefined();
    store.save({ sessionId: 's1', resumeToken: 't', lastSeq: 7 });
    expect(JSON.parse(storage.getItem('k') ?? '')).toEqual({ sessionId: 's1', resumeToken: 't', lastSeq: 7 });
    expect(new SessionStore(storage, 'k').load()).toEqual({ sessionId: 's1', resumeToken: 't', lastSeq: 7 });
    store.save({ sessionId: 's1', resumeToken: 't' });
    expect(store.load()).toEqual({ sessionId: 's1', resumeToken: 't' });
    store.clear();
    expect(storage.getItem('k')).toBeNull();
  });

  it.each([
    ['not JSON', '{'],
    ['not an object', '42'],
    ['a bad session id', JSON.stringify({ sessionId: 'a b', resumeToken: 't' })],
    ['no token', JSON.stringify({ sessionId: 's1' })],
    ['a token over 128 characters', JSON.stringify({ sessionId: 's1', resumeToken: 'x'.repeat(129) })],
    ['a fractional lastSeq', JSON.stringify({ sessionId: 's1', resumeToken: 't', lastSeq: 1.5 })],
  ])('treats a stored value with %s as absent', (_what, raw) => {
    const storage = new MemoryStorage();
    storage.setItem('k', raw);
    expect(new SessionStore(storage, 'k').load()).toBeUndefined();
  });

  it('keeps working when the storage throws', () => {
    const failing: KeyValueStorage = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => {
        throw new Error('SecurityError');
      },
    };
    const store = new SessionStore(failing, 'k');
    expect(() => store.save({ sessionId: 's1', resumeToken: 't' })).not.toThrow();
    expect(store.load()).toBeUndefined();
    expect(() => store.clear()).not.toThrow();
  });
});
