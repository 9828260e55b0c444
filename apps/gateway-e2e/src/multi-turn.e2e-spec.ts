/**
 * The conversation lives in the session's log only: after every gateway and the scheduler restarted, the
 * third turn still sees the first two.
 */
import { ChatClient, expectGapless, expectTokensMatchReply } from './support/chat-client';
import { GatewayProcess } from './support/gateway-process';
import { SchedulerProcess } from './support/scheduler-process';

describe('multi-turn conversations across restarts of every process', () => {
  const running: Array<GatewayProcess | SchedulerProcess> = [];

  afterAll(async () => {
    await Promise.all(running.map((p) => p.stop('SIGTERM')));
  });

  async function startAll(suffix: string) {
    const nodes = await Promise.all([
      GatewayProcess.start(`node-a${suffix}`),
      GatewayProcess.start(`node-b${suffix}`),
      SchedulerProcess.start(`sched${suffix}`),
    ]);
    running.push(...nodes);
    return nodes;
  }

  it('turn 3 after restarting both gateways and the scheduler starts with [turn 3] and quotes message 2', async () => {
    const [a, b, scheduler] = await startAll('-1');
    const client = await ChatClient.start(a);
    const first = await client.send('my name is Ada');
    await client.waitForEvent('turn.completed', first.turnId);
    await client.connectTo(b); // turns may be sent from any node
    const second = await client.send('I like mountains');
    await client.waitForEvent('turn.completed', second.turnId);
    client.disconnect();

    await Promise.all([a.stop('SIGTERM'), b.stop('SIGTERM'), scheduler.stop('SIGTERM')]);
    const [a2] = await startAll('-2');

    await client.connectTo(a2);
    const third = await client.send('what did I say?');
    expect(third).toMatchObject({ ok: true });
    await client.waitForEvent('turn.completed', third.turnId);
    client.disconnect();

    expectGapless(client.events);
    expect(expectTokensMatchReply(client.events, first.turnId as string)).toMatch(/^\[turn 1\] /);
    expect(expectTokensMatchReply(client.events, second.turnId as string)).toMatch(
      /^\[turn 2\] Before this you said: "my name is Ada"\./,
    );
    expect(expectTokensMatchReply(client.events, third.turnId as string)).toMatch(
      /^\[turn 3\] Before this you said: "I like mountains"\./,
    );
    expect(client.events.filter((e) => e.type === 'user.message').map((e) => e.text)).toEqual([
      'my name is Ada',
      'I like mountains',
      'what did I say?',
    ]);
  });
});
