import { Logger } from '@nestjs/common';
import type { ChatSendRequest } from '@litesession/chat-protocol';
import type { SessionEvent } from '@litesession/rocketmq';
import { InMemorySessionChannels } from '@litesession/rocketmq/testing';
import { TEST_TURN_SETTINGS as settings } from './turn-settings.fixture';
import { SchedulerMetrics } from '../metrics/scheduler-metrics';
import type { TurnOutcome, TurnRunner } from './turn-runner';
import { TurnService } from './turn.service';
import { TurnSlots } from './turn-slots';

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
  let run: jest.Mock<Promise<TurnOutcome>, [ChatSendRequest, number]>;
  let service: TurnService;

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(() => {
    channels = new InMemorySessionChannels();
    run = jest.fn();
    const runner = { run, running: 0, abandonAll: jest.fn() } as unknown as TurnRunner;
    service = new TurnService(runner, new TurnSlots(2), channels, settings, new SchedulerMetrics());
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
    await expect(service.handle(request, 1)).rejects.toThrow('broker hiccup');
    expect(await log()).toEqual([]);
  });

  it('ends the turn with turn.failed when the last attempt fails, and acknowledges', async () => {
    run.mockRejectedValue(new Error('still broken'));
    await expect(service.handle(request, 4)).resolves.toBeUndefined();
    expect((await log()).map((e) => [e.type, e.turnId, e.data])).toEqual([
      ['turn.failed', 't1', { code: 'unavailable' }],
    ]);
  });

  it('takes no new turn once draining', async () => {
    run.mockResolvedValue('completed');
    await service.beforeApplicationShutdown();
    const handled = service.handle(request, 1);
    const settled = await Promise.race([
      handled.then(() => 'settled'),
      new Promise((r) => setTimeout(() => r('held'), 50)),
    ]);
    expect(settled).toBe('held');
    expect(run).not.toHaveBeenCalled();
  });
});
