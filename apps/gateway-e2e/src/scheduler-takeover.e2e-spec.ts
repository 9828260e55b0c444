/**
 * A scheduler process dies mid-turn: the request was never acknowledged, so RocketMQ hands it to the other
 * scheduler, which writes turn.restarted and runs the turn to the end.
 */
import { ChatClient, expectGapless, expectTokensMatchReply } from './support/chat-client';
import { GatewayProcess } from './support/gateway-process';
import { recordMeasurement } from '@litesession/rocketmq/testing';
import { SchedulerProcess } from './support/scheduler-process';

describe('scheduler crash mid-turn', () => {
  let gateway: GatewayProcess;
  let schedulers: SchedulerProcess[];

  beforeAll(async () => {
    [gateway, ...schedulers] = await Promise.all([
      GatewayProcess.start('node-a'),
      SchedulerProcess.start('sched-1'),
      SchedulerProcess.start('sched-2'),
    ]);
  });

  afterAll(async () => {
    // SIGTERM, not SIGKILL: a killed idle consumer can hold the next suite's first request (docs/rocketmq.md).
    await Promise.all([gateway?.stop(), ...(schedulers ?? []).map((s) => s.stop())]);
  });

  it('SIGKILL of the scheduler running a turn: another one restarts it and it completes', async () => {
    const client = await ChatClient.start(gateway);
    const { turnId } = await client.send('a long answer please');
    await client.waitFor((events) => events.filter((e) => e.type === 'token').length >= 5, 'five tokens');
    const loads = await Promise.all(schedulers.map((s) => s.runningTurns()));
    const victim = schedulers[loads.indexOf(1)];
    expect(victim).toBeDefined();
    await victim?.stop('SIGKILL');
    const killedAt = Date.now();

    const restarted = await client.waitForEvent('turn.restarted', turnId, 120_000);
    const completed = await client.waitForEvent('turn.completed', turnId, 60_000);
    recordMeasurement('e2e.scheduler-sigkill.takeover', {
      msToTurnRestarted: restarted.ts - killedAt,
      msToTurnCompleted: completed.ts - killedAt,
    });
    client.disconnect();
    expectGapless(client.events);
    const ofTurn = client.events.filter((e) => e.turnId === turnId);
    expect(ofTurn.map((e) => e.type).filter((t) => t !== 'token')).toEqual([
      'user.message',
      'turn.started',
      'turn.restarted',
      'turn.completed',
    ]);
    expect(expectTokensMatchReply(client.events, turnId as string)).toMatch(/^\[turn 1\] /);
  });
});
