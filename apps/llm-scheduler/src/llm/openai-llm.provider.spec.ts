import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OpenAiLlmProvider } from './openai-llm.provider';

/** A loopback OpenAI-compatible endpoint that streams a fixed reply as server-sent events. */
function fakeEndpoint(
  respond: (body: { model: string; messages: unknown[] }, res: import('node:http').ServerResponse) => void,
) {
  const requests: Array<{ auth: string | undefined; body: { model: string; messages: unknown[] } }> = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const body = JSON.parse(raw) as { model: string; messages: unknown[] };
      requests.push({ auth: req.headers.authorization, body });
      respond(body, res);
    });
  });
  return { server, requests };
}

const chunk = (content: string) =>
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;

describe('OpenAiLlmProvider (against a loopback OpenAI-compatible server)', () => {
  let endpoint: ReturnType<typeof fakeEndpoint>;
  let baseURL: string;

  afterEach(() => new Promise((resolve) => endpoint.server.close(resolve)));

  async function listen(respond: Parameters<typeof fakeEndpoint>[0]) {
    endpoint = fakeEndpoint(respond);
    await new Promise<void>((resolve) => endpoint.server.listen(0, '127.0.0.1', resolve));
    baseURL = `http://127.0.0.1:${(endpoint.server.address() as AddressInfo).port}/v1`;
  }

  it('streams the delta contents and sends the conversation, model and key', async () => {
    await listen((_body, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(chunk('Hel'));
      res.write(chunk('lo'));
      res.end('data: [DONE]\n\n');
    });
    const model = new OpenAiLlmProvider({ baseURL, apiKey: 'k-123', model: 'tiny' });
    const tokens: string[] = [];
    const conversation = [{ role: 'user' as const, content: 'hi' }];
    for await (const token of model.stream(conversation, new AbortController().signal)) tokens.push(token);
    expect(tokens).toEqual(['Hel', 'lo']);
    expect(endpoint.requests[0]).toMatchObject({
      auth: 'Bearer k-123',
      body: { model: 'tiny', messages: conversation, stream: true },
    });
  });

  it('fails with the endpoint’s error', async () => {
    await listen((_body, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'bad key' } }));
    });
    const model = new OpenAiLlmProvider({ baseURL, apiKey: 'wrong', model: 'tiny' });
    const consume = async () => {
      for await (const _ of model.stream([{ role: 'user', content: 'hi' }], new AbortController().signal))
        void _;
    };
    await expect(consume()).rejects.toThrow(/401|bad key/);
  });

  it('stops quietly when aborted mid-stream', async () => {
    await listen((_body, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(chunk('one'));
      // never ends on its own
    });
    const model = new OpenAiLlmProvider({ baseURL, apiKey: 'k', model: 'tiny' });
    const abort = new AbortController();
    const tokens: string[] = [];
    for await (const token of model.stream([{ role: 'user', content: 'hi' }], abort.signal)) {
      tokens.push(token);
      abort.abort('cancelled');
    }
    expect(tokens).toEqual(['one']);
    endpoint.server.closeAllConnections();
  });
});
