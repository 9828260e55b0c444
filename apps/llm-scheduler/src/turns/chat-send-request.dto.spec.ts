import { BadRequestException, type PipeTransform } from '@nestjs/common';
import fc from 'fast-check';
import { ShapeGuardPipe, strictValidationPipe } from '@litesession/edge';
import { CHAT_REQUEST_SHAPE, ChatRequestDto } from './chat-send-request.dto';

// The pipes of ChatRequestsController's @Payload, in its order.
const pipes: PipeTransform[] = [new ShapeGuardPipe(CHAT_REQUEST_SHAPE), strictValidationPipe()];
async function check(value: unknown): Promise<unknown> {
  let current = value;
  for (const pipe of pipes)
    current = await pipe.transform(current, { type: 'body', metatype: ChatRequestDto });
  return current;
}
const valid = { v: 1, kind: 'chat.send', sessionId: 's-1', turnId: 't-1', text: 'hi', ts: 1 };

describe('ChatRequestDto (the scheduler’s edge)', () => {
  it('accepts a chat.send request as gateways write it', async () => {
    await expect(check({ ...valid, clientMessageId: 'c-1' })).resolves.toMatchObject(valid);
    await expect(check({ ...valid, resend: 3 })).resolves.toMatchObject({ ...valid, resend: 3 });
  });

  it.each([
    ['another version', { ...valid, v: 2 }],
    ['an unknown kind', { ...valid, kind: 'chat.delete' }],
    ['a session id that is no lite topic name', { ...valid, sessionId: 'a b' }],
    ['chat.send without text', { ...valid, text: undefined }],
    ['text of the wrong type', { ...valid, text: 42 }],
    ['an unknown field', { ...valid, admin: true }],
    ['a null clientMessageId', { ...valid, clientMessageId: null }],
    ['a resend of 0', { ...valid, resend: 0 }],
    ['a fractional resend', { ...valid, resend: 1.5 }],
    ['a nested object with a constructor key', { ...valid, text: { constructor: { name: 'x' } } }],
    ['a __proto__ key', JSON.parse(`{"v":1,"__proto__":{"admin":true}}`) as unknown],
    ['not an object', 'chat.send'],
    ['null', null],
  ])('refuses %s', async (_what, value) => {
    await expect(check(value)).rejects.toBeInstanceOf(BadRequestException);
  });

  it('refuses whatever is no valid request with a BadRequestException, and nothing else', async () => {
    const field = fc.constantFrom(
      'v',
      'kind',
      'sessionId',
      'turnId',
      'text',
      'clientMessageId',
      'resend',
      'ts',
      '__proto__',
    );
    const message = fc.oneof(
      fc.anything({ withNullPrototype: true, withBigInt: true, withTypedArray: true }),
      fc.dictionary(field, fc.oneof(fc.anything(), fc.constantFrom(1, 'chat.send', 's-1'))),
      fc.json().map((text) => JSON.parse(text) as unknown),
    );
    await fc.assert(
      fc.asyncProperty(message, async (value) => {
        const outcome = await check(value).then(
          () => 'accepted',
          (error: unknown) => error,
        );
        if (outcome !== 'accepted') expect(outcome).toBeInstanceOf(BadRequestException);
      }),
      { numRuns: 1500 },
    );
  });
});
