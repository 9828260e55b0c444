import { InvalidSessionIdError } from '../rocketmq.errors';
import { assertSessionId, createSessionId, isValidSessionId, liteTopicFor, sessionIdFor } from './session-id';

describe('session id ↔ lite topic', () => {
  it.each(['a', 'Valid_Topic-123', 'x'.repeat(64), '0b4c6a0e-59f7-4c35-9a43-2f0d2b3e4c5d'])(
    'accepts %s',
    (id) => {
      expect(isValidSessionId(id)).toBe(true);
      expect(liteTopicFor(id)).toBe(id);
      expect(sessionIdFor(id)).toBe(id);
    },
  );

  it.each([
    ['empty', ''],
    ['65 characters', 'x'.repeat(65)],
    ['a slash (chat/s is the channel, not the lite topic)', 'chat/s1'],
    ['the LMQ separator', 'a$b'],
    ['a dot', 'a.b'],
    ['a space', 'a b'],
    ['a newline', 'a\nb'],
    ['non-ASCII letters', 'sessión'],
  ])('rejects %s with a typed error', (_, id) => {
    expect(isValidSessionId(id)).toBe(false);
    expect(() => liteTopicFor(id)).toThrow(InvalidSessionIdError);
    expect(sessionIdFor(id)).toBeUndefined();
  });

  it.each([undefined, null, 42, {}, ['a']])('rejects the non-string %p', (value) => {
    expect(() => assertSessionId(value)).toThrow(InvalidSessionIdError);
  });

  it('names the problem without echoing a huge id', () => {
    const error = new InvalidSessionIdError('y'.repeat(10_000));
    expect(error.message).toContain('10000 characters');
    expect(error.message.length).toBeLessThan(300);
  });

  it('creates ids that are valid lite topic names', () => {
    const ids = new Set(Array.from({ length: 100 }, createSessionId));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(isValidSessionId(id)).toBe(true);
  });
});
