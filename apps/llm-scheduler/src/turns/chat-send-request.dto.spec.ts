import { ValidationPipe } from '@nestjs/common';
import { ChatRequestDto } from './chat-send-request.dto';

// The same pipe options as ChatRequestsController's @Payload.
const pipe = new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
const check = (value: unknown) => pipe.transform(value, { type: 'body', metatype: ChatRequestDto });
const valid = { v: 1, kind: 'chat.send', sessionId: 's-1', turnId: 't-1', text: 'hi', ts: 1 };

describe('ChatRequestDto (the scheduler’s edge)', () => {
  it('accepts a chat.send request as gateways write it', async () => {
    await expect(check({ ...valid, clientMessageId: 'c-1' })).resolves.toMatchObject(valid);
  });

  it.each([
    ['another version', { ...valid, v: 2 }],
    ['an unknown kind', { ...valid, kind: 'chat.delete' }],
    ['a session id that is no lite topic name', { ...valid, sessionId: 'a b' }],
    ['chat.send without text', { ...valid, text: undefined }],
    ['text of the wrong type', { ...valid, text: 42 }],
    ['an unknown field', { ...valid, admin: true }],
    ['not an object', 'chat.send'],
  ])('refuses %s', async (_what, value) => {
    await expect(check(value)).rejects.toThrow();
  });
});
