import {
  decodeChatRequest,
  encodeChatRequest,
  InvalidChatRequestError,
  type ChatRequest,
} from './chat-request';

describe('chat requests', () => {
  it.each<ChatRequest>([
    { v: 1, kind: 'chat.send', sessionId: 's', turnId: 't', text: 'hi', clientMessageId: 'c1', ts: 1 },
    { v: 1, kind: 'chat.send', sessionId: 's', turnId: 't', text: 'hi', ts: 1 },
    { v: 1, kind: 'chat.send', sessionId: 's', turnId: 't', text: 'hi', ts: 1, resend: 2 },
    { v: 1, kind: 'chat.cancel', sessionId: 's', turnId: 't', ts: 1 },
  ])('round-trips %p', (request) => {
    expect(decodeChatRequest(JSON.parse(encodeChatRequest(request)))).toEqual(request);
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
    { v: 1, kind: 'chat.send', sessionId: 's', turnId: 't', text: 'hi', ts: 1, resend: 0 },
    { v: 1, kind: 'chat.send', sessionId: 's', turnId: 't', text: 'hi', ts: 1, resend: '1' },
  ])('refuses %p', (value) => {
    expect(() => decodeChatRequest(value)).toThrow(InvalidChatRequestError);
  });
});
