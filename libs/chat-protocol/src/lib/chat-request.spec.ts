import {
  decodeChatRequest,
  encodeChatRequest,
  InvalidChatRequestError,
  type ChatRequest,
} from './chat-request';
import { turnIdFor } from './turn-id';

describe('chat requests', () => {
  it.each<ChatRequest>([
    { v: 1, kind: 'chat.send', sessionId: 's', turnId: 't', text: 'hi', clientMessageId: 'c1', ts: 1 },
    { v: 1, kind: 'chat.send', sessionId: 's', turnId: 't', text: 'hi', ts: 1 },
    { v: 1, kind: 'chat.cancel', sessionId: 's', turnId: 't', ts: 1 },
  ])('round-trips %p', (request) => {
    expect(decodeChatRequest(JSON.parse(encodeChatRequest(request).toString('utf8')))).toEqual(request);
  });

  it('drops unknown fields', () => {
    expect(
      decodeChatRequest({ v: 1, kind: 'chat.cancel', sessionId: 's', turnId: 't', ts: 1, extra: 1 }),
    ).toEqual({
      v: 1,
      kind: 'chat.cancel',
      sessionId: 's',
      turnId: 't',
      ts: 1,
    });
  });

  it.each([
    null,
    'x',
    [],
    {},
    { v: 2 },
    { v: 1, kind: 'chat.send', sessionId: 's', turnId: 't', ts: 1 },
    { v: 1, kind: 'x', sessionId: 's', turnId: 't', ts: 1 },
  ])('refuses %p', (value) => {
    expect(() => decodeChatRequest(value)).toThrow(InvalidChatRequestError);
  });
});

describe('turnIdFor', () => {
  it('derives the same turn from the same clientMessageId, per session', () => {
    expect(turnIdFor('s1', 'm1')).toBe(turnIdFor('s1', 'm1'));
    expect(turnIdFor('s1', 'm1')).not.toBe(turnIdFor('s2', 'm1'));
    expect(turnIdFor('s1', 'm1')).not.toBe(turnIdFor('s1', 'm2'));
  });

  it('makes a fresh turn without clientMessageId', () => {
    expect(turnIdFor('s1')).not.toBe(turnIdFor('s1'));
  });

  it('fits the envelope’s turnId limit', () => {
    expect(turnIdFor('s1', 'x'.repeat(64)).length).toBeLessThanOrEqual(128);
    expect(turnIdFor('s1').length).toBeLessThanOrEqual(128);
  });
});
