/**
 * The AI SDK's own transport against real processes: ai's DefaultChatTransport → gateway processes →
 * RocketMQ 5.5 → one LLM scheduler (simulated model). The serving node is SIGKILLed mid-reply; the chat
 * resumes as useChat with `resume: true` does, through `reconnectToStream`, on the node that is left.
 * A fetch that tries the nodes in order plays the load balancer in front of them.
 */
import { DefaultChatTransport, readUIMessageStream, type UIMessage, type UIMessageChunk } from 'ai';
import { eventually } from '@litesession/rocketmq/testing';
import { E2E_USER, GatewayProcess } from './support/gateway-process';
import { mintJwt } from './support/identity';
import { SchedulerProcess } from './support/scheduler-process';
import { completedText, type SessionRef } from './support/session-log';

type Created = SessionRef;

/** Reads a UI message stream with the SDK, keeping the latest state of the assistant message. */
function follow(stream: ReadableStream<UIMessageChunk>) {
  const state: { message?: UIMessage; error?: unknown; done: boolean } = { done: false };
  const finished = (async () => {
    try {
      for await (const message of readUIMessageStream({ stream, terminateOnError: true }))
        state.message = message;
    } catch (error) {
      state.error = error;
    } finally {
      state.done = true;
    }
  })();
  return { state, finished };
}

const textOf = (message: UIMessage | undefined) =>
  (message?.parts ?? []).flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('');

describe('useChat’s DefaultChatTransport end to end', () => {
  let stable: GatewayProcess;
  let scheduler: SchedulerProcess;

  beforeAll(async () => {
    [stable, scheduler] = await Promise.all([
      GatewayProcess.start('node-b'),
      SchedulerProcess.start('sched-1'),
    ]);
  });

  afterAll(async () => {
    await Promise.all([stable?.stop(), scheduler?.stop()]);
  });

  /** A transport whose requests go to the first node that answers, as behind a load balancer. */
  const transport = (nodes: GatewayProcess[], session: Created) =>
    new DefaultChatTransport<UIMessage>({
      api: '/v1/ai/chat',
      headers: async () => ({
        Authorization: `Bearer ${await mintJwt(E2E_USER)}`,
        'X-Resume-Token': session.resumeToken,
      }),
      fetch: async (input, init) => {
        let lastError: unknown;
        for (const node of nodes) {
          try {
            return await fetch(`${node.url}${String(input)}`, init);
          } catch (error) {
            lastError = error;
          }
        }
        throw lastError;
      },
    });

  const create = async (node: GatewayProcess): Promise<Created> => {
    const response = await fetch(`${node.url}/v1/sessions`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${await mintJwt(E2E_USER)}` },
    });
    expect(response.status).toBe(201);
    return (await response.json()) as Created;
  };

  const ask = (chat: DefaultChatTransport<UIMessage>, session: Created, id: string, text: string) =>
    chat.sendMessages({
      chatId: session.sessionId,
      messages: [{ id, role: 'user', parts: [{ type: 'text', text }] }],
      trigger: 'submit-message',
      messageId: undefined,
      abortSignal: undefined,
    });

  it('streams a reply into the SDK’s assistant message', async () => {
    const session = await create(stable);
    const reply = follow(await ask(transport([stable], session), session, 'msg-hello', 'hello'));
    await reply.finished;
    expect(reply.state.error).toBeUndefined();
    expect(reply.state.message?.role).toBe('assistant');
    expect(textOf(reply.state.message)).toBe(
      await completedText(stable.url, session, { Authorization: `Bearer ${await mintJwt(E2E_USER)}` }),
    );
  });

  it('SIGKILL of the serving node mid-reply: reconnectToStream on the other node ends with the full reply, no text twice', async () => {
    const killed = await GatewayProcess.start('node-k');
    try {
      const session = await create(killed);
      const chat = transport([killed, stable], session);
      const first = follow(await ask(chat, session, 'msg-story', 'tell me a long story'));
      await eventually(() => textOf(first.state.message).length > 0, 60_000, 'the first text');
      await killed.stop('SIGKILL');
      await first.finished;
      expect(first.state.error).toBeDefined(); // the connection died mid-reply
      const partial = textOf(first.state.message);

      const resumed = await chat.reconnectToStream({ chatId: session.sessionId });
      expect(resumed).not.toBeNull();
      const second = follow(resumed as ReadableStream<UIMessageChunk>);
      await second.finished;
      expect(second.state.error).toBeUndefined();
      const full = textOf(second.state.message);
      expect(full).toBe(
        await completedText(stable.url, session, { Authorization: `Bearer ${await mintJwt(E2E_USER)}` }),
      );
      // A replay from the turn's start: what the first stream showed is where the full reply begins.
      expect(full.startsWith(partial)).toBe(true);
      expect(full.length).toBeGreaterThan(partial.length);
    } finally {
      await killed.stop('SIGKILL').catch(() => undefined);
    }
  });
});
