import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OpenAiLlmProvider } from './openai-llm.provider';

/**
 * A loopback OpenAI-compatible endpoint that lists `models` and streams a reply as server-sent events.
 * Unit-test stand-in only: the model suite runs the provider against llama-cpp-python's real server.
 */
function fakeEndpoint(
  respond: (body: { model: string; messages: unknown[] }, res: import('node:http').ServerResponse) => void,
  models: string[] = ['tiny'],
) {
  const requests: Array<{ auth: string | undefined; body: { model: string; messages: unknown[] } }> = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    if (req.method === 'GET' && req.url?.endsWith('/models')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          object: 'list',
          data: models.map((id) => ({ id, object: 'model', created: 1, owned_by: 'me' })),
        }),
      );
      return;
    }
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

const chunk = (content: string, finishReason: string | null = null) =>
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content }, finish_reason: finishReason }] })}\n\n`;

describe('OpenAiLlmProvider (against a loopback OpenAI-compatible server)', () => {
  let endpoint: ReturnType<typeof fakeEndpoint>;
  let baseURL: string;

  afterEach(() => new Promise((resolve) => endpoint.server.close(resolve)));

  async function listen(respond: Parameters<typeof fakeEndpoint>[0], models?: string[]) {
    endpoint = fakeEndpoint(respond, models);
    await new Promise<void>((resolve) => endpoint.server.listen(0, '127.0.0.1', resolve));
    baseURL = `http://127.0.0.1:${(endpoint.server.address() as AddressInfo).port}/v1`;
  }

  it('streams the delta contents and sends the conversation, model and key', async () => {
    await listen((_body, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(chunk('Hel'));
      res.write(chunk('lo', 'stop'));
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

  const drain = async (model: OpenAiLlmProvider) => {
    const tokens: string[] = [];
    for await (const token of model.stream([{ role: 'user', content: 'hi' }], new AbortController().signal))
      tokens.push(token);
    return tokens;
  };

  it('fails a reply whose stream ends before a finish reason (the server went away)', async () => {
    await listen((_body, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(chunk('half a '));
      res.end(); // no finish_reason, no [DONE]
    });
    await expect(drain(new OpenAiLlmProvider({ baseURL, apiKey: 'k', model: 'tiny' }))).rejects.toThrow(
      'the reply stopped before the model finished it',
    );
  });

  it('refuses a model the server does not list, before asking for a reply, and checks again later', async () => {
    await listen(
      (_body, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(chunk('answered anyway', 'stop'));
      },
      ['other-model'],
    );
    const model = new OpenAiLlmProvider({ baseURL, apiKey: 'k', model: 'tiny' });
    await expect(drain(model)).rejects.toThrow(
      'the server does not serve the model "tiny" (it lists: other-model); check LLM_MODEL',
    );
    await expect(drain(model)).rejects.toThrow('does not serve the model "tiny"');
    expect(endpoint.requests).toEqual([]); // no chat completion was asked for
  });
});
