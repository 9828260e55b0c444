/**
 * The scheduler's `openai` provider against a real OpenAI-compatible server: llama-cpp-python serving
 * SmolLM2-135M-Instruct on this CPU (tools/model), through the real broker and a gateway. Each case runs
 * its own scheduler, so that no other one takes its request.
 */
import { LOCAL_MODEL } from '@litesession/model-tools';
import { eventually, recordMeasurement } from '@litesession/rocketmq/testing';
import { ChatClient, expectGapless, expectTokensMatchReply } from '../support/chat-client';
import { GatewayProcess } from '../support/gateway-process';
import { ModelServerProcess } from '../support/model-server-process';
import { SchedulerProcess } from '../support/scheduler-process';
import { freePort } from '@litesession/stack-tools';

/** Model replies on 2 busy cores: a few tokens per second at worst. */
const TURN_TIMEOUT_MS = 240_000;

describe('the openai provider against llama-cpp-python serving the local model', () => {
  let gateway: GatewayProcess;
  let server: ModelServerProcess;
  let scheduler: SchedulerProcess | undefined;
  const clients: ChatClient[] = [];

  beforeAll(async () => {
    await ModelServerProcess.prepare();
    [gateway, server] = await Promise.all([GatewayProcess.start('node-model'), ModelServerProcess.start()]);
  }, 40 * 60_000);

  afterEach(async () => {
    clients.splice(0).forEach((client) => client.disconnect());
    await scheduler?.stop();
    scheduler = undefined;
  });

  afterAll(async () => {
    await Promise.all([gateway?.stop(), server?.stop()]);
  });

  const chatWith = async (schedulerEnv: Record<string, string>) => {
    scheduler = await SchedulerProcess.start('sched-model', {
      ...schedulerEnv,
      TURN_TIMEOUT_MS: String(TURN_TIMEOUT_MS),
    });
    const client = await ChatClient.start(gateway);
    clients.push(client);
    return client;
  };

  const send = async (client: ChatClient, text: string) => {
    const ack = await client.send(text);
    expect(ack).toMatchObject({ ok: true });
    return ack.turnId as string;
  };

  it('streams a real reply, and the next turn gets the conversation', async () => {
    const client = await chatWith(server.schedulerEnv());
    const sentAt = Date.now();
    const first = await send(client, 'Name three colors.');
    const started = await client.waitForEvent('turn.started', first, TURN_TIMEOUT_MS);
    expect(started.model).toBe(LOCAL_MODEL.alias);
    await client.waitForEvent('token', first, TURN_TIMEOUT_MS);
    const firstTokenMs = Date.now() - sentAt;
    const completed = await client.waitForEvent('turn.completed', first, TURN_TIMEOUT_MS);
    const reply = expectTokensMatchReply(client.events, first);
    expect(reply.trim().length).toBeGreaterThan(0);
    const tokens = client.tokensOf(first);
    recordMeasurement('model.local.reply', {
      firstTokenMs,
      tokenEvents: tokens.length,
      replyChars: reply.length,
      msToCompleted: completed.ts - sentAt,
    });

    const second = await send(client, 'Thank you. Now name one more.');
    await client.waitForEvent('turn.completed', second, TURN_TIMEOUT_MS);
    expectTokensMatchReply(client.events, second);
    expectGapless(client.events);
  });

  it('a cancel mid-reply ends the turn and closes the HTTP stream, which stops the generation', async () => {
    const client = await chatWith(server.schedulerEnv());
    const turnId = await send(client, 'Write a very long story about a dragon who learns to cook.');
    await client.waitFor(
      () => client.tokensOf(turnId).length >= 3,
      'three token events of the story',
      TURN_TIMEOUT_MS,
    );
    expect(await client.cancel(turnId)).toMatchObject({ ok: true });
    const cancelled = await client.waitForEvent('turn.cancelled', turnId, 60_000);
    expect(cancelled.text).toBe(
      client
        .tokensOf(turnId)
        .map((e) => e.text)
        .join(''),
    );
    // llama-cpp-python prints this when the client of a streaming request goes away (and stops generating).
    await eventually(
      () => server.output().includes('disconnected'),
      30_000,
      'the server to see the disconnect',
    );
  });

  it('a wrong model name fails the turn with a clear reason', async () => {
    const client = await chatWith(server.schedulerEnv('no-such-model'));
    const turnId = await send(client, 'Hello?');
    const failed = await client.waitForEvent('turn.failed', turnId, 60_000);
    expect(failed.text).toContain('does not serve the model "no-such-model"');
    expect(failed.text).toContain(LOCAL_MODEL.alias);
  });

  it('an unreachable server fails the turn', async () => {
    const closedPort = await freePort();
    const client = await chatWith({
      ...server.schedulerEnv(),
      LLM_BASE_URL: `http://127.0.0.1:${closedPort}/v1`,
    });
    const turnId = await send(client, 'Hello?');
    const failed = await client.waitForEvent('turn.failed', turnId, 60_000);
    expect(failed.text).toMatch(/^The model failed: /);
  });

  it('a server that dies mid-reply fails the turn instead of completing it half-way', async () => {
    const client = await chatWith(server.schedulerEnv());
    const turnId = await send(client, 'Write a very long story about a lighthouse keeper.');
    await client.waitFor(
      () => client.tokensOf(turnId).length >= 3,
      'three token events of the story',
      TURN_TIMEOUT_MS,
    );
    await server.kill();
    const failed = await client.waitForEvent('turn.failed', turnId, 60_000);
    expect(failed.text).toMatch(/^The model failed: /);
    expect(client.events.some((e) => e.turnId === turnId && e.type === 'turn.completed')).toBe(false);
  });
});
