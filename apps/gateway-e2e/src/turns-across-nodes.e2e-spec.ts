/**
 * A turn streaming while its gateway node dies or drains, or while the client is away: socket.io-client →
 * two gateway processes → RocketMQ 5.5 → one LLM scheduler process (simulated model, ~3 s per reply).
 */
import { ChatClient, expectGapless, expectTokensMatchReply } from './support/chat-client';
import { GatewayProcess } from './support/gateway-process';
import { recordMeasurement } from '@litesession/rocketmq/testing';
import { SchedulerProcess } from './support/scheduler-process';

describe('a turn survives its gateway node', () => {
  let stable: GatewayProcess;
  let scheduler: SchedulerProcess;
  const clients: ChatClient[] = [];
  const extraNodes: GatewayProcess[] = [];

  beforeAll(async () => {
    [stable, scheduler] = await Promise.all([
      GatewayProcess.start('node-b'),
      SchedulerProcess.start('sched-1'),
    ]);
  });

  afterEach(() => clients.splice(0).forEach((c) => c.disconnect()));

  afterAll(async () => {
    await Promise.all([stable?.stop(), scheduler?.stop(), ...extraNodes.map((n) => n.stop())]);
  });

  async function startTurnOnFreshNode(nodeId: string) {
    const node = await GatewayProcess.start(nodeId);
    extraNodes.push(node);
    const client = await ChatClient.start(node);
    clients.push(client);
    const ack = await client.send('tell me a story');
    expect(ack).toMatchObject({ ok: true });
    const turnId = ack.turnId as string;
    await client.waitFor(
      (events) => events.filter((e) => e.type === 'token').length >= 5,
      'five tokens on the first node',
    );
    return { node, client, turnId };
  }

  it('SIGKILL of the node mid-stream: the client resumes on the other node with the rest, once, in order', async () => {
    const { node, client, turnId } = await startTurnOnFreshNode('node-k');
    const seenBefore = client.events.length;
    await node.stop('SIGKILL');
    const lastSeq = client.lastSeq;
    const reconnectStarted = Date.now();
    const info = await client.connectTo(stable);
    expect(info).toMatchObject({ sessionId: client.session?.sessionId, node: 'node-b' });
    const first = await client.waitForEvent('turn.completed', turnId);
    recordMeasurement('e2e.gateway-sigkill.resume', {
      lastSeqBeforeKill: lastSeq ?? -1,
      eventsBeforeKill: seenBefore,
      msToTurnCompletedAfterReconnect: Date.now() - reconnectStarted,
    });
    expectGapless(client.events);
    const reply = expectTokensMatchReply(client.events, turnId);
    expect(reply.startsWith('[turn 1] This is your first message.')).toBe(true);
    expect(first.turnId).toBe(turnId);
    expect(client.events.filter((e) => e.type === 'turn.restarted')).toEqual([]); // the scheduler never stopped
  });

  it('SIGTERM of the node mid-stream: server.draining, then the client moves to the other node and loses nothing', async () => {
    const { node, client, turnId } = await startTurnOnFreshNode('node-t');
    const stopping = node.stop('SIGTERM');
    await client.waitDisconnected();
    expect(client.drainingNotices).toBe(1);
    await client.connectTo(stable);
    await client.waitForEvent('turn.completed', turnId);
    await stopping;
    expectGapless(client.events);
    expectTokensMatchReply(client.events, turnId);
  });

  it('a client away for longer than the turn gets the whole turn when it comes back', async () => {
    const client = await ChatClient.start(stable);
    clients.push(client);
    const { turnId } = await client.send('answer while I am away');
    await client.waitForEvent('turn.started', turnId);
    client.disconnect();
    const away = Date.now();
    // The scheduler keeps generating with nobody connected; wait until it is done.
    await new Promise((resolve) => setTimeout(resolve, 500));
    while ((await scheduler.runningTurns()) > 0) await new Promise((resolve) => setTimeout(resolve, 200));
    const eventsBefore = client.events.length;
    await client.connectTo(stable);
    await client.waitForEvent('turn.completed', turnId as string);
    expect(Date.now() - away).toBeGreaterThan(1000);
    expect(client.events.length).toBeGreaterThan(eventsBefore + 10);
    expectGapless(client.events);
    expectTokensMatchReply(client.events, turnId as string);
  });
});
