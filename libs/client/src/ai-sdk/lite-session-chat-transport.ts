import type { ChatTransport, UIMessage, UIMessageChunk } from 'ai';
import { TurnChunker, type UiMessageChunk } from '@litesession/chat-protocol';
import type { LiteSessionClient } from '../lib/lite-session-client';
import { isClientMessageId } from '../lib/client-message-id';
import { LiteSessionError } from '../lib/errors';
import type { ChatEvent, TurnView } from '../lib/types';

type SendOptions<M extends UIMessage> = Parameters<ChatTransport<M>['sendMessages']>[0];
type ReconnectOptions<M extends UIMessage> = Parameters<ChatTransport<M>['reconnectToStream']>[0];

/**
 * The AI SDK's `ChatTransport` over a LiteSessionClient (Socket.IO), for `useChat({ transport })`: the
 * client's resume across drops and nodes under the SDK's chat state. `sendMessages` sends the last user
 * message as a turn (its id is the turn's `clientMessageId`, so a retry runs it once) and streams that turn;
 * `reconnectToStream` streams the turn that is still open, its text so far first. The session's log
 * becomes UI message chunks as TurnChunker folds it (the gateway's /v1/ai/chat does the same).
 *
 * The SDK's abort (`stop()`, a closed tab) only ends the stream here: the generation goes on, as the
 * AI SDK's resumable streams expect. To stop the model, call `client.cancel(turnId)`.
 */
export class LiteSessionChatTransport<M extends UIMessage = UIMessage> implements ChatTransport<M> {
  constructor(private readonly client: LiteSessionClient) {}

  async sendMessages(options: SendOptions<M>): Promise<ReadableStream<UIMessageChunk>> {
    if (options.trigger !== 'submit-message') {
      throw new LiteSessionError(
        'invalid_payload',
        'regenerate-message is not supported; send the message again',
      );
    }
    const { text, clientMessageId } = lastUserMessage(options.messages);
    const { turnId } = await this.client.send(text, clientMessageId === undefined ? {} : { clientMessageId });
    return this.stream(turnId, [], options.abortSignal);
  }

  async reconnectToStream(options: ReconnectOptions<M>): Promise<ReadableStream<UIMessageChunk> | null> {
    const open = this.client
      .turns()
      .findLast((turn) => turn.status === 'queued' || turn.status === 'streaming');
    if (!open) return null;
    return this.stream(open.turnId, soFar(open), options.abortSignal);
  }

  /** The turn's chunks: `seed` (what the client has of it already), then those of the events to come. */
  private stream(
    turnId: string,
    seed: ChatEvent[],
    abortSignal?: AbortSignal,
  ): ReadableStream<UIMessageChunk> {
    const chunker = new TurnChunker(turnId);
    const client = this.client;
    let listener: ((event: ChatEvent) => void) | undefined;
    const stop = () => {
      if (listener) client.off('event', listener);
      listener = undefined;
    };
    return new ReadableStream<UIMessageChunk>({
      start(controller) {
        const emit = (chunks: UiMessageChunk[]) => {
          for (const chunk of chunks) controller.enqueue(chunk as UIMessageChunk);
          if (chunker.done) {
            stop();
            controller.close();
          }
        };
        for (const event of seed) emit(chunker.push(event));
        if (chunker.done) return;
        listener = (event) => emit(chunker.push(event));
        client.on('event', listener);
        abortSignal?.addEventListener('abort', () => {
          stop();
          controller.close();
        });
      },
      cancel: stop,
    });
  }
}

/** A turn the client has seen part of, as the events that rebuild it: a start, then its text so far. */
function soFar(turn: TurnView): ChatEvent[] {
  const base = { sessionId: '', seq: -1, turnId: turn.turnId, ts: 0 };
  const events: ChatEvent[] = [{ ...base, type: 'turn.started' }];
  if (turn.text !== '') events.push({ ...base, type: 'token', text: turn.text });
  return events;
}

/** The last message's text parts, which must be the user's; its id when it can be a clientMessageId. */
function lastUserMessage(messages: readonly UIMessage[]): { text: string; clientMessageId?: string } {
  const last = messages.at(-1);
  if (!last || last.role !== 'user') {
    throw new LiteSessionError('invalid_payload', 'the last message must be the user’s');
  }
  const text = last.parts.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('');
  if (text === '') throw new LiteSessionError('invalid_payload', 'the user’s message has no text part');
  return isClientMessageId(last.id) ? { text, clientMessageId: last.id } : { text };
}
