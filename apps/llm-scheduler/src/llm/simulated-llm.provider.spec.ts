import { SimulatedLlmProvider } from './simulated-llm.provider';

async function collect(stream: AsyncIterable<string>): Promise<string[]> {
  const tokens: string[] = [];
  for await (const token of stream) tokens.push(token);
  return tokens;
}

describe('SimulatedLlmProvider', () => {
  const conversation = [
    { role: 'user' as const, content: 'first question' },
    { role: 'assistant' as const, content: 'first answer' },
    { role: 'user' as const, content: 'second question' },
  ];

  it('starts with [turn N] for the Nth user message and quotes the previous user message', async () => {
    const model = new SimulatedLlmProvider({ tokensPerSecond: 1000, replyTokens: 20 });
    const reply = (await collect(model.stream(conversation, new AbortController().signal))).join('');
    expect(reply.startsWith('[turn 2] Before this you said: "first question".')).toBe(true);
  });

  it('says so on the first turn, and pads the reply to replyTokens tokens', async () => {
    const model = new SimulatedLlmProvider({ tokensPerSecond: 1000, replyTokens: 30 });
    const tokens = await collect(
      model.stream([{ role: 'user', content: 'hi' }], new AbortController().signal),
    );
    expect(tokens).toHaveLength(30);
    expect(tokens.join('')).toMatch(/^\[turn 1\] This is your first message\. /);
  });

  it('is deterministic', () => {
    expect(SimulatedLlmProvider.replyTokens(conversation, 40)).toEqual(
      SimulatedLlmProvider.replyTokens(conversation, 40),
    );
  });

  it('paces tokens and stops when aborted', async () => {
    const model = new SimulatedLlmProvider({ tokensPerSecond: 50, replyTokens: 100 });
    const abort = new AbortController();
    const started = Date.now();
    setTimeout(() => abort.abort('cancelled'), 200);
    const tokens = await collect(model.stream(conversation, abort.signal));
    expect(tokens.length).toBeGreaterThan(2);
    expect(tokens.length).toBeLessThan(20); // about 10 at 50/s in 200 ms; never the whole reply
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
