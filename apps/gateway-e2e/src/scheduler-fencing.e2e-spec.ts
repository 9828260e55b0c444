/**
 * A scheduler that stops (SIGSTOP) past its request's lease: another scheduler takes the turn over; when
 * the first one continues (SIGCONT) its lease is refused and it stops, and nothing it writes after the
 * takeover reaches the client's view of the turn (docs/protocol.md, "Restarts").
 */
import { type ChatEvent, LiteSessionClient, MemoryStorage, type TurnView } from '@litesession/client';
import { eventually } from '@litesession/rocketmq/testing';
import { expectTokensMatchReply } from './support/chat-client';
import { E2E_USER, GatewayProcess } from './support/gateway-process';
import { mintJwt } from './support/identity';
import { SchedulerProcess } from './support/scheduler-process';

describe('a paused scheduler comes back after its turn was taken over', () => {
  let gateway: GatewayProcess;
  let schedulers: SchedulerProcess[];

  beforeAll(async () => {
    [gateway, ...schedulers] = await Promise.all([
      GatewayProcess.start('node-f'),
      // 200 tokens at 20/s: the turn outlasts the pause, the takeover and the comeback.
      SchedulerProcess.start('sched-f1', { SIM_REPLY_TOKENS: '200' }),
      SchedulerProcess.start('sched-f2', { SIM_REPLY_TOKENS: '200' }),
    ]);
  });

  afterAll(async () => {
    for (const scheduler of schedulers ?? []) scheduler.process.signal('SIGCONT');
    await Promise.all([gateway?.stop(), ...(schedulers ?? []).map((s) => s.stop())]);
  });

  it('shows only the new attempt after the takeover, and the old writer stops', async () => {
    const client = new LiteSessionClient({
      urls: [gateway.url],
      storage: new MemoryStorage(),
      token: () => mintJwt(E2E_USER),
    });
    const views: TurnView[] = [];
    client.on('turn', (view) => views.push({ ...view }));
    const events: ChatEvent[] = [];
    client.on('event', (event) => events.push(event));
    await client.connect();
    const { turnId } = await client.send('a long answer please');
    await eventually(() => events.filter((e) => e.type === 'token').length >= 5, 60_000, 'five tokens');
    const loads = await Promise.all(schedulers.map((s) => s.runningTurns()));
    const paused = schedulers[loads.indexOf(1)] as SchedulerProcess;
    expect(paused).toBeDefined();
    paused.process.signal('SIGSTOP');

    const restart = () => events.find((e) => e.type === 'turn.restarted' && e.turnId === turnId);
    await eventually(() => restart() !== undefined, 60_000, 'turn.restarted from the other scheduler');
    const viewsBeforeComeback = views.length;
    await eventually(
      () => events.filter((e) => e.seq > (restart()?.seq ?? 0) && e.type === 'token').length >= 5,
      60_000,
      'the new attempt streaming',
    );
    paused.process.signal('SIGCONT');
    // The old writer learns at its next renewal (every second) that the lease is gone, and stops.
    const stoppedBy = Date.now() + 15_000;
    while ((await paused.runningTurns()) > 0) {
      if (Date.now() > stoppedBy)
        throw new Error('the paused scheduler did not stop its turn after it continued');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await eventually(
      () => client.turns().find((t) => t.turnId === turnId)?.status === 'completed',
      120_000,
      'the turn to complete',
    );
    client.close();

    const newAttempt = restart()?.attempt;
    const final = client.turns().find((t) => t.turnId === turnId) as TurnView;
    // The reply is the new attempt's, token for token.
    expect(final.text).toBe(expectTokensMatchReply(events, turnId));
    const completed = events.filter((e) => e.type === 'turn.completed' && e.turnId === turnId);
    expect(completed.at(-1)?.attempt).toBe(newAttempt);
    // After the takeover the view only ever grew along the new attempt's reply: nothing of the old one.
    const afterTakeover = views.slice(viewsBeforeComeback).filter((v) => v.turnId === turnId);
    expect(afterTakeover.every((v) => final.text.startsWith(v.text))).toBe(true);
    // What the old writer wrote after the restart is in the log, but under its old attempt.
    const stale = events.filter(
      (e) => e.turnId === turnId && e.seq > (restart()?.seq ?? 0) && e.attempt !== newAttempt,
    );
    process.stdout.write(`old writer's events after the takeover (fenced): ${stale.length}\n`);
  });
});
