/**
 * A scheduler process dies mid-turn: the request was never acknowledged, so RocketMQ hands it to the other
 * scheduler, which writes turn.restarted and runs the turn to the end.
 */
import { type ChatEvent, ChatClient, expectGapless, expectTokensMatchReply } from './support/chat-client';
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

    // The first restart after the kill: a lease that ran out on a busy machine may have restarted the turn
    // before too (the protocol allows several restarts; the fence keeps the reply whole).
    await client.waitFor(
      (events) =>
        events.some((e) => e.turnId === turnId && e.type === 'turn.restarted' && e.ts >= killedAt - 500),
      'turn.restarted after the kill',
      120_000,
    );
    const restarted = client.events.find(
      (e) => e.turnId === turnId && e.type === 'turn.restarted' && e.ts >= killedAt - 500,
    ) as ChatEvent;
    const completed = await client.waitForEvent('turn.completed', turnId, 60_000);
    recordMeasurement('e2e.scheduler-sigkill.takeover', {
      msToTurnRestarted: restarted.ts - killedAt,
      msToTurnCompleted: completed.ts - killedAt,
    });
    client.disconnect();
    expectGapless(client.events);
    const ofTurn = client.events.filter((e) => e.turnId === turnId);
    const milestones = ofTurn.map((e) => e.type).filter((t) => t !== 'token');
    expect(milestones.slice(0, 2)).toEqual(['user.message', 'turn.started']);
    // Each takeover: its marker (the user.message again), then turn.restarted (docs/protocol.md).
    const takeovers = milestones.slice(2, -1);
    expect(takeovers.length).toBeGreaterThanOrEqual(2);
    expect(takeovers).toEqual(
      Array.from({ length: takeovers.length }, (_, i) => (i % 2 === 0 ? 'user.message' : 'turn.restarted')),
    );
    expect(milestones.at(-1)).toBe('turn.completed');
    expect(expectTokensMatchReply(client.events, turnId as string)).toMatch(/^\[turn 1\] /);
  });
});
