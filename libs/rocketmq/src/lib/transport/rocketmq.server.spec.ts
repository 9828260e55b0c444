import { Logger } from '@nestjs/common';
import { firstValueFrom, Observable, of, throwError } from 'rxjs';
import { ConsumeResult } from 'rocketmq-client-nodejs';
import { RocketMQStartupError } from '../rocketmq.errors';
import { resolveRocketMQOptions } from '../rocketmq.options';
import type { RocketMQContext, RocketMQMessage } from './rocketmq.context';
import { RocketMQServer, type TransportConsumer, type TransportConsumerFactory } from './rocketmq.server';

class FakeConsumer implements TransportConsumer {
  started = false;
  shutdowns = 0;
  constructor(private readonly startupOutcome: Promise<void> = Promise.resolve()) {}
  async startup(): Promise<void> {
    await this.startupOutcome;
    this.started = true;
  }
  async shutdown(): Promise<void> {
    this.shutdowns += 1;
  }
}

const client = resolveRocketMQOptions({
  endpoints: '127.0.0.1:8081',
  sessionChannels: { parentTopic: 'chat' },
  startupTimeoutMs: 50,
});

function serverWith(consumer: FakeConsumer) {
  const settings: Array<Parameters<TransportConsumerFactory>[0]> = [];
  const server = new RocketMQServer({ client, consumerGroup: 'llm-scheduler' }, (s) => {
    settings.push(s);
    return consumer;
  });
  return { server, settings };
}

const listen = (server: RocketMQServer) =>
  new Promise<unknown>((resolve) => void server.listen((error?: unknown) => resolve(error)));

const message = (body: string, extra: Partial<RocketMQMessage> = {}): RocketMQMessage => ({
  topic: 'chat-requests',
  messageId: 'm-1',
  body: Buffer.from(body),
  messageGroup: 's-1',
  keys: [],
  tag: undefined,
  deliveryAttempt: 1,
  ...extra,
});

describe('RocketMQServer', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('subscribes the topics of its @EventPattern handlers and reports "connected"', async () => {
    const consumer = new FakeConsumer();
    const { server, settings } = serverWith(consumer);
    server.addHandler('chat-requests', async () => undefined, true);
    server.addHandler('audit', async () => undefined, true);

    expect(await listen(server)).toBeUndefined();

    expect(consumer.started).toBe(true);
    expect([...(settings[0]?.subscriptions.keys() ?? [])]).toEqual(['chat-requests', 'audit']);
    expect(settings[0]).toMatchObject({ consumerGroup: 'llm-scheduler', enableFifoConsumeAccelerator: true });
    expect(await firstValueFrom(server.status)).toBe('connected');
    expect(server.unwrap()).toBe(consumer);
  });

  it('refuses @MessagePattern (request/response) handlers through the listen callback', async () => {
    const { server } = serverWith(new FakeConsumer());
    server.addHandler('rpc', async () => 'reply', false);

    expect(await listen(server)).toEqual(
      expect.objectContaining({ message: expect.stringContaining('@MessagePattern for rpc') }),
    );
  });

  it('refuses to listen without any handler', async () => {
    const { server } = serverWith(new FakeConsumer());
    expect(await listen(server)).toEqual(
      expect.objectContaining({ message: expect.stringContaining('no @EventPattern') }),
    );
  });

  it('reports a consumer that does not start in time as RocketMQStartupError and shuts it down', async () => {
    const consumer = new FakeConsumer(new Promise<void>(() => undefined));
    const { server } = serverWith(consumer);
    server.addHandler('chat-requests', async () => undefined, true);

    const error = await listen(server);

    expect(error).toBeInstanceOf(RocketMQStartupError);
    expect((error as Error).message).toContain('127.0.0.1:8081');
    expect(consumer.shutdowns).toBe(1);
    expect(() => server.unwrap()).toThrow('not listening yet');
  });

  describe('handleMessage', () => {
    const served = (handler: (data: unknown, ctx: RocketMQContext) => unknown) => {
      const { server } = serverWith(new FakeConsumer());
      server.addHandler(
        'chat-requests',
        async (data: unknown, ctx: RocketMQContext) => handler(data, ctx),
        true,
      );
      return server;
    };

    it('acks when the handler returns, passing the JSON payload and the message context', async () => {
      const seen: unknown[] = [];
      const server = served((data, ctx) =>
        seen.push([data, ctx.getMessageGroup(), ctx.getDeliveryAttempt(), ctx.getMessageId()]),
      );

      const result = await server.handleMessage(message('{"text":"hi"}', { deliveryAttempt: 2 }));

      expect(result).toBe(ConsumeResult.SUCCESS);
      expect(seen).toEqual([[{ text: 'hi' }, 's-1', 2, 'm-1']]);
    });

    it('leaves the message to the retry policy when the handler throws', async () => {
      const server = served(() => {
        throw new Error('model unavailable');
      });
      expect(await server.handleMessage(message('{}'))).toBe(ConsumeResult.FAILURE);
    });

    it('waits for an Observable result: complete acks, error retries', async () => {
      expect(await served(() => of(1, 2)).handleMessage(message('{}'))).toBe(ConsumeResult.SUCCESS);
      expect(await served(() => throwError(() => new Error('x'))).handleMessage(message('{}'))).toBe(
        ConsumeResult.FAILURE,
      );
      let completed = false;
      const slow = new Observable<number>((subscriber) => {
        setImmediate(() => {
          completed = true;
          subscriber.complete();
        });
      });
      expect(await served(() => slow).handleMessage(message('{}'))).toBe(ConsumeResult.SUCCESS);
      expect(completed).toBe(true);
    });

    it('does not call the handler for a body that is not JSON, and does not ack it', async () => {
      let called = false;
      const server = served(() => (called = true));
      expect(await server.handleMessage(message('not json {'))).toBe(ConsumeResult.FAILURE);
      expect(called).toBe(false);
    });

    it('acks a message of a topic without handler', async () => {
      const server = served(() => undefined);
      expect(await server.handleMessage(message('{}', { topic: 'other' }))).toBe(ConsumeResult.SUCCESS);
    });
  });

  it('shuts the consumer down on close and reports "disconnected"', async () => {
    const consumer = new FakeConsumer();
    const { server } = serverWith(consumer);
    server.addHandler('chat-requests', async () => undefined, true);
    await listen(server);

    await server.close();

    expect(consumer.shutdowns).toBe(1);
    expect(await firstValueFrom(server.status)).toBe('disconnected');
    await server.close(); // idempotent
    expect(consumer.shutdowns).toBe(1);
  });

  it('has no broker events to subscribe to', () => {
    expect(() => serverWith(new FakeConsumer()).server.on()).toThrow('status');
  });
});
