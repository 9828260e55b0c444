import { readUIMessageStream, type UIMessage, type UIMessageChunk } from 'ai';
import { TurnChunker, type ChunkedEvent, type UiMessageChunk } from './ui-message-chunks';

/** Folds chunks with the real AI SDK, as useChat does: the assistant message it ends with. */
async function foldWithAiSdk(chunks: readonly UiMessageChunk[]): Promise<UIMessage | undefined> {
  const stream = new ReadableStream<UIMessageChunk>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk as UIMessageChunk);
      controller.close();
    },
  });
  let last: UIMessage | undefined;
  for await (const message of readUIMessageStream({ stream, terminateOnError: true })) last = message;
  return last;
}

const textsOf = (message: UIMessage | undefined) =>
  (message?.parts ?? []).flatMap((part) => (part.type === 'text' ? [part.text] : []));

function chunksOf(turnId: string, events: ChunkedEvent[]): UiMessageChunk[] {
  const chunker = new TurnChunker(turnId);
  return events.flatMap((event) => chunker.push(event));
}

describe('TurnChunker', () => {
  const t = (type: string, extra: Partial<ChunkedEvent> = {}): ChunkedEvent => ({
    type,
    turnId: 't1',
    attempt: 'a1',
    ...extra,
  });

  it('turns a completed turn into one text part that the AI SDK folds into the reply', async () => {
    const chunks = chunksOf('t1', [
      t('user.message', { text: 'hi' }),
      t('turn.started'),
      t('token', { text: 'Hel' }),
      t('token', { text: 'lo' }),
      t('turn.completed', { text: 'Hello' }),
    ]);
    expect(chunks.map((c) => c.type)).toEqual([
      'start',
      'text-start',
      'text-delta',
      'text-delta',
      'text-end',
      'finish',
    ]);
    const message = await foldWithAiSdk(chunks);
    expect(message).toMatchObject({ id: 't1', role: 'assistant' });
    expect(textsOf(message)).toEqual(['Hello']);
  });

  it('ignores other turns, superseded attempts and anything after the ending', () => {
    const chunker = new TurnChunker('t1');
    chunker.push(t('turn.started'));
    expect(chunker.push(t('token', { turnId: 't2', text: 'other' }))).toEqual([]);
    chunker.push(t('turn.restarted', { attempt: 'a2' }));
    expect(chunker.push(t('token', { attempt: 'a1', text: 'stale' }))).toEqual([]);
    expect(chunker.push(t('turn.completed', { attempt: 'a2', text: '' }))).toContainEqual({
      type: 'finish',
      finishReason: 'stop',
    });
    expect(chunker.done).toBe(true);
    expect(chunker.push(t('token', { attempt: 'a2', text: 'late' }))).toEqual([]);
  });

  it('gives the attempt after a turn.restarted a text part of its own', async () => {
    const chunks = chunksOf('t1', [
      t('turn.started'),
      t('token', { text: 'first try' }),
      t('turn.restarted', { attempt: 'a2' }),
      t('token', { attempt: 'a2', text: 'second' }),
      t('token', { attempt: 'a1', text: ' stale' }),
      t('token', { attempt: 'a2', text: ' try' }),
      t('turn.completed', { attempt: 'a2', text: 'second try' }),
    ]);
    expect(textsOf(await foldWithAiSdk(chunks))).toEqual(['first try', 'second try']);
  });

  it('ends a cancelled turn with abort and a failed one with error', async () => {
    const cancelled = chunksOf('t1', [
      t('turn.started'),
      t('token', { text: 'part' }),
      t('turn.cancelled', { text: 'part' }),
    ]);
    expect(cancelled.at(-1)).toEqual({ type: 'abort' });
    expect(textsOf(await foldWithAiSdk(cancelled))).toEqual(['part']);
    const failed = chunksOf('t1', [t('turn.started'), t('turn.failed', { text: 'model timed out' })]);
    expect(failed).toEqual([
      { type: 'start', messageId: 't1' },
      { type: 'error', errorText: 'model timed out' },
    ]);
    await expect(foldWithAiSdk(failed)).rejects.toThrow('model timed out');
  });
});
