import { Logger } from '@nestjs/common';
import type { ChatSendRequest } from '@litesession/chat-protocol';
import type { SessionEvent } from '@litesession/rocketmq';
import type { RequestLease } from '@litesession/rocketmq/transport';
import { InMemorySessionChannels } from '@litesession/rocketmq/testing';
import { TEST_TURN_SETTINGS as settings } from './turn-settings.fixture';
import { SchedulerMetrics } from '../metrics/scheduler-metrics';
import type { TurnRunner } from './turn-runner';
import { TurnService } from './turn.service';
import { TurnAbandonedError, type TurnOutcome } from './turn-outcome';

const request: ChatSendRequest = {
  v: 1,
  kind: 'chat.send',
  sessionId: 's-1',
  turnId: 't1',
  text: 'hi',
  ts: 1,
};

describe('TurnService', () => {
  let channels: InMemorySessionChannels;
  let run: jest.Mock<Promise<TurnOutcome>, [ChatSendRequest, number, RequestLease]>;
  let lease: RequestLease & { handedBack: number; lose(): void };
  let service: TurnService;

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(() => {
    const controller = new AbortController();
    lease = {
      signal: controller.signal,
      handedBack: 0,
      handBack() {
        this.handedBack += 1;
      },
      lose: () => controller.abort(new Error('lease lost')),
    };
    channels = new InMemorySessionChannels();
    run = jest.fn();
    const runner = { run, running: 0, abandonAll: jest.fn(), drain: jest.fn() } as unknown as TurnRunner;
    service = new TurnService(runner, channels, settings, new SchedulerMetrics());
  });

  async function log(): Promise<SessionEvent[]> {
    const seen: SessionEvent[] = [];
    const sub = await channels.subscribe('s-1', { fromSeq: 0 }, (e) => seen.push(e));
    await new Promise((resolve) => setTimeout(resolve, 10));
    await sub.unsubscribe();
    return seen;
  }

  it('rejects a failed attempt before the last, so the request is delivered again', async () => {
    run.mockRejectedValue(new Error('broker hiccup'));
    await expect(service.handle(request, { attempt: 1, lease })).rejects.toThrow('broker hiccup');
    expect(await log()).toEqual([]);
  });

  it('ends the turn with turn.failed when the last attempt fails, and acknowledges', async () => {
    run.mockRejectedValue(new Error('still broken'));
    await expect(service.handle(request, { attempt: 4, lease })).resolves.toBeUndefined();
    expect((await log()).map((e) => [e.type, e.turnId, e.data])).toEqual([
      ['turn.failed', 't1', { code: 'unavailable' }],
    ]);
  });

  it('takes no new turn once draining: it hands the request straight back', async () => {
    run.mockResolvedValue('completed');
    await service.beforeApplicationShutdown();
    await expect(service.handle(request, { attempt: 1, lease })).rejects.toBeInstanceOf(TurnAbandonedError);
    expect(lease.handedBack).toBe(1);
    expect(run).not.toHaveBeenCalled();
  });

  it('hands back a turn the runner abandoned at shutdown, without writing turn.failed', async () => {
    run.mockRejectedValue(new TurnAbandonedError('shutting down'));
    await expect(service.handle(request, { attempt: 3, lease })).rejects.toBeInstanceOf(TurnAbandonedError);
    expect(lease.handedBack).toBe(1);
    expect(await log()).toEqual([]);
  });

  it('leaves a turn whose lease was lost before the last attempt to the scheduler that has it now', async () => {
    run.mockImplementation(async () => {
      lease.lose();
      throw new Error('lease lost');
    });
    await expect(service.handle(request, { attempt: 3, lease })).rejects.toThrow('lease lost');
    expect(lease.handedBack).toBe(0);
    expect(await log()).toEqual([]);
  });

  // After the last attempt the broker dead-letters the request: nobody would ever end the turn.
  it.each([
    ['the lease was lost', () => Promise.reject((lease.lose(), new Error('lease lost')))],
    ['the runner abandoned it at shutdown', () => Promise.reject(new TurnAbandonedError('shutting down'))],
  ])('ends the turn with turn.failed on the last attempt when %s', async (_case, failure) => {
    run.mockImplementation(failure);
    await expect(service.handle(request, { attempt: 4, lease })).resolves.toBeUndefined();
    expect(lease.handedBack).toBe(0);
    expect((await log()).map((e) => e.type)).toEqual(['turn.failed']);
  });

  it('ends a last attempt that arrives while draining instead of handing it back', async () => {
    await service.beforeApplicationShutdown();
    await expect(service.handle(request, { attempt: 4, lease })).resolves.toBeUndefined();
    expect(run).not.toHaveBeenCalled();
    expect(lease.handedBack).toBe(0);
    expect((await log()).map((e) => e.type)).toEqual(['turn.failed']);
  });

  it('keeps writing the turn.failed of a last attempt while the broker refuses it', async () => {
    run.mockRejectedValue(new Error('broker down'));
    const publish = channels.publish.bind(channels);
    let refusals = 1;
    jest.spyOn(channels, 'publish').mockImplementation((...args) => {
      if (refusals-- > 0) return Promise.reject(new Error('broker down'));
      return publish(...args);
    });
    await expect(service.handle(request, { attempt: 4, lease })).resolves.toBeUndefined();
    expect((await log()).map((e) => e.type)).toEqual(['turn.failed']);
  });
});
