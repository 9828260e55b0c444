import { readUIMessageStream, type UIMessage, type UIMessageChunk } from 'ai';
import { FakeGateway } from '../testing/fake-gateway';
import { LiteSessionClient } from '../lib/lite-session-client';
import { MemoryStorage } from '../lib/session-store';
import { LiteSessionChatTransport } from './lite-session-chat-transport';

async function connected() {
  const gateway = new FakeGateway();
  const client = new LiteSessionClient({
    urls: ['http://a'],
    storage: new MemoryStorage(),
    createSocket: gateway.createSocket,
  });
  const open = client.connect();
  gateway.last.accept();
  await open;
  return { gateway, client, transport: new LiteSessionChatTransport(client) };
}

/** Folds a chunk stream with the real AI SDK, as useChat does. */
async function fold(stream: ReadableStream<UIMessageChunk>): Promise<UIMessage | undefined> {
  let last: UIMessage | undefined;
  for await (const message of readUIMessageStream({ stream, terminateOnError: true })) last = message;
  return last;
}

const textOf = (message: UIMessage | undefined) =>
  (message?.parts ?? []).flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('');

const user = (id: string, text: string): UIMessage => ({ id, role: 'user', parts: [{ type: 'text', text }] });

describe('LiteSessionChatTransport (the real ai package)', () => {
  it('sends the last user message as a turn (its id as clientMessageId) and streams that turn', async () => {
    const { gateway, client, transport } = await connected();
    const streaming = transport.sendMessages({
      chatId: 's1',
      messages: [user('m-1', 'hello')],
      trigger: 'submit-message',
      messageId: undefined,
      abortSignal: undefined,
    });
    const [request] = gateway.last.sent('chat.send');
    expect(request?.payload).toEqual({ text: 'hello', clientMessageId: 'm-1' });
    request?.ack({ ok: true, turnId: 't1' });
    const message = fold(await streaming);
    gateway.last.event(0, 'user.message', { turnId: 't1', text: 'hello' });
    gateway.last.event(1, 'turn.started', { turnId: 't1' });
    gateway.last.event(2, 'token', { turnId: 't1', text: 'Hi ' });
    gateway.last.event(3, 'token', { turnId: 't2', text: 'other turn' });
    gateway.last.event(4, 'token', { turnId: 't1', text: 'there' });
    gateway.last.event(5, 'turn.completed', { turnId: 't1', text: 'Hi there' });
    expect(textOf(await message)).toBe('Hi there');
    client.close();
  });

  it('reconnectToStream streams the open turn from its text so far, and null when none is open', async () => {
    const { gateway, client, transport } = await connected();
    await expect(transport.reconnectToStream({ chatId: 's1' })).resolves.toBeNull();
    gateway.last.event(0, 'user.message', { turnId: 't1', text: 'q' });
    gateway.last.event(1, 'turn.started', { turnId: 't1' });
    gateway.last.event(2, 'token', { turnId: 't1', text: 'so far' });
    const stream = await transport.reconnectToStream({ chatId: 's1' });
    expect(stream).not.toBeNull();
    const message = fold(stream as ReadableStream<UIMessageChunk>);
    gateway.last.event(3, 'token', { turnId: 't1', text: ', and more' });
    gateway.last.event(4, 'turn.completed', { turnId: 't1', text: 'so far, and more' });
    expect(textOf(await message)).toBe('so far, and more');
    client.close();
  });

  it('an abort ends the stream but not the turn', async () => {
    const { gateway, client, transport } = await connected();
    const abort = new AbortController();
    const streaming = transport.sendMessages({
      chatId: 's1',
      messages: [user('m-2', 'long one')],
      trigger: 'submit-message',
      messageId: undefined,
      abortSignal: abort.signal,
    });
    gateway.last.sent('chat.send')[0]?.ack({ ok: true, turnId: 't9' });
    const message = fold(await streaming);
    gateway.last.event(0, 'turn.started', { turnId: 't9' });
    gateway.last.event(1, 'token', { turnId: 't9', text: 'partial' });
    abort.abort();
    expect(textOf(await message)).toBe('partial');
    expect(gateway.last.sent('chat.cancel')).toEqual([]);
    client.close();
  });

  it('refuses a last message that is not the user’s, and regenerate', async () => {
    const { client, transport } = await connected();
    const assistant: UIMessage = { id: 'a', role: 'assistant', parts: [{ type: 'text', text: 'x' }] };
    const base = { chatId: 's1', messageId: undefined, abortSignal: undefined };
    await expect(
      transport.sendMessages({ ...base, messages: [assistant], trigger: 'submit-message' }),
    ).rejects.toMatchObject({ code: 'invalid_payload' });
    await expect(
      transport.sendMessages({ ...base, messages: [user('u', 'x')], trigger: 'regenerate-message' }),
    ).rejects.toMatchObject({ code: 'invalid_payload' });
    client.close();
  });
});
