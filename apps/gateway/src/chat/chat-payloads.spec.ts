import { BadRequestException, type PipeTransform } from '@nestjs/common';
import fc from 'fast-check';
import { ShapeGuardPipe, strictValidationPipe } from '@litesession/edge';
import { ChatCancelDto } from './chat-cancel.dto';
import { CHAT_PAYLOAD_SHAPE, ChatSendDto } from './chat-send.dto';

/** The pipes of ChatGateway, in its order, as Nest runs them on a socket event's payload. */
async function throughPipes(value: unknown, metatype: new () => object): Promise<unknown> {
  const pipes: PipeTransform[] = [new ShapeGuardPipe(CHAT_PAYLOAD_SHAPE), strictValidationPipe()];
  let current = value;
  for (const pipe of pipes) current = await pipe.transform(current, { type: 'body', metatype });
  return current;
}

const hostile = fc.oneof(
  fc.anything({
    withNullPrototype: true,
    withBigInt: true,
    withTypedArray: true,
    withMap: true,
    withSet: true,
  }),
  fc.dictionary(
    fc.constantFrom('text', 'clientMessageId', 'turnId', '__proto__', 'constructor', 'x'),
    fc.anything(),
  ),
  fc.json({ depthSize: 'large' }).map((text) => JSON.parse(text) as unknown),
  fc.record({ text: fc.string(), clientMessageId: fc.option(fc.string(), { nil: null }) }),
);

describe.each([
  ['chat.send', ChatSendDto],
  ['chat.cancel', ChatCancelDto],
])('%s payloads through the shape guard and the DTO', (_, Dto) => {
  it('end in the DTO or in a BadRequestException (invalid_payload), nothing else', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, async (value) => {
        const outcome = await throughPipes(value, Dto).then(
          (passed) => ({ passed }),
          (error: unknown) => ({ error }),
        );
        if ('error' in outcome) expect(outcome.error).toBeInstanceOf(BadRequestException);
        else expect(outcome.passed).toEqual(value); // let through: a plain object the DTO accepts
      }),
      { numRuns: 1500 },
    );
  });
});

it('lets through what the protocol allows', async () => {
  await expect(throughPipes({ text: 'hi', clientMessageId: 'c-1' }, ChatSendDto)).resolves.toEqual({
    text: 'hi',
    clientMessageId: 'c-1',
  });
  await expect(throughPipes({ turnId: 't-1' }, ChatCancelDto)).resolves.toEqual({ turnId: 't-1' });
});
