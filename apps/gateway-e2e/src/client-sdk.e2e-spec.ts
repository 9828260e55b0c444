/**
 * @litesession/client against real processes: the SDK → gateway processes → RocketMQ 5.5 → one LLM
 * scheduler process (simulated model, ~3 s per reply). The SDK does its own reconnecting: the test only
 * kills or drains nodes and watches what the app would see.
 */
import { type ChatEvent, LiteSessionClient, MemoryStorage, type TurnView } from '@litesession/client';
import { eventually } from '@litesession/rocketmq/testing';
import { expectGapless, expectTokensMatchReply } from './support/chat-client';
import { E2E_USER, GatewayProcess } from './support/gateway-process';
import { mintJwt } from './support/identity';
import { SchedulerProcess } from './support/scheduler-process';

/** A client as an app holds it: every delivered event and the latest view of each turn. */
function observe(client: LiteSessionClient) {
  const events: ChatEvent[] = [];
  const nodes: string[] = [];
  client.on('event', (e) => events.push(e));
  client.on('state', (s) => {
    if (s.status === 'connected' && s.node) nodes.push(s.node);
  });
  const turn = (turnId: string): TurnView | undefined => client.turns().find((t) => t.turnId === turnId);
  const waitForTurn = (turnId: string, status: TurnView['status']) =>
    eventually(() => turn(turnId)?.status === status, 60_000, `turn ${turnId} ${status}`);
  return { events, nodes, turn, waitForTurn };
}

describe('@litesession/client end to end', () => {
  let stable: GatewayProcess;
  let scheduler: SchedulerProcess;
  const clients: LiteSessionClient[] = [];
  const extraNodes: GatewayProcess[] = [];

  beforeAll(async () => {
    [stable, scheduler] = await Promise.all([
      GatewayProcess.start('node-b'),
      SchedulerProcess.start('sched-1'),
    ]);
  });

  afterEach(() => clients.splice(0).forEach((c) => c.close()));

  afterAll(async () => {
    await Promise.all([stable?.stop(), scheduler?.stop(), ...extraNodes.map((n) => n.stop())]);
  });

  function newClient(urls: string[], storage = new MemoryStorage(), replayHistory = false) {
    const client = new LiteSessionClient({
      urls,
      storage,
      replayHistory,
      // A fresh JWT before every connection attempt, as an app with an identity provider does.
      token: () => mintJwt(E2E_USER),
      reconnect: { initialDelayMs: 100, maxDelayMs: 1000 },
    });
    clients.push(client);
    return client;
  }

  async function freshNode(nodeId: string): Promise<GatewayProcess> {
    const node = await GatewayProcess.start(nodeId);
    extraNodes.push(node);
    return node;
  }

  it('streams a turn: every event once and in order, the view ends with the completed text', async () => {
    const client = newClient([stable.url]);
    const seen = observe(client);
    await expect(client.connect()).resolves.toMatchObject({ status: 'connected', node: 'node-b' });
    const { turnId } = await client.send('hello');
    await seen.waitForTurn(turnId, 'completed');
    expectGapless(seen.events);
    const reply = expectTokensMatchReply(seen.events, turnId);
    expect(seen.turn(turnId)).toEqual({
      turnId,
      userText: 'hello',
      text: reply,
      status: 'completed',
      restarts: 0,
      model: 'simulated',
    });
  });

  it('SIGTERM of its node mid-stream: server.draining, the client moves to the next URL and loses nothing', async () => {
    const draining = await freshNode('node-t');
    const client = newClient([draining.url, stable.url]);
    const seen = observe(client);
    await client.connect();
    const { turnId } = await client.send('tell me a story');
    await eventually(() => seen.turn(turnId)?.text !== '', 30_000, 'the first tokens');
    await draining.stop('SIGTERM');
    await seen.waitForTurn(turnId, 'completed');
    expect(seen.nodes).toEqual(['node-t', 'node-b']);
    expect(client.state).toMatchObject({ status: 'connected', node: 'node-b', url: stable.url });
    expectGapless(seen.events);
    expect(seen.turn(turnId)?.text).toBe(expectTokensMatchReply(seen.events, turnId));
  });

  it('a message sent while its node is down goes out after the resume, as one turn', async () => {
    const killed = await freshNode('node-k');
    const client = newClient([killed.url, stable.url]);
    const seen = observe(client);
    await client.connect();
    await killed.stop('SIGKILL');
    await eventually(() => client.state.status !== 'connected', 30_000, 'the client to notice the drop');
    const { turnId } = await client.send('are you there?');
    await seen.waitForTurn(turnId, 'completed');
    expect(client.state.node).toBe('node-b');
    expect(seen.events.filter((e) => e.type === 'user.message')).toHaveLength(1);
    expectGapless(seen.events);
  });

  it('a new client on the same storage resumes the session; with replayHistory it shows the earlier turns', async () => {
    const storage = new MemoryStorage();
    const first = newClient([stable.url], storage);
    const firstSeen = observe(first);
    await first.connect();
    const { turnId } = await first.send('remember me');
    await firstSeen.waitForTurn(turnId, 'completed');
    const sessionId = first.state.sessionId;
    first.close();

    const resumed = newClient([stable.url], storage);
    const resumedSeen = observe(resumed);
    await expect(resumed.connect()).resolves.toMatchObject({ sessionId, lastSeq: first.state.lastSeq });
    const replayed = newClient([stable.url], storage, true);
    const replayedSeen = observe(replayed);
    resumed.close(); // one connection per session: let the third take it without a session_moved race
    await replayed.connect();
    await replayedSeen.waitForTurn(turnId, 'completed');
    expect(replayed.turns()).toEqual(first.turns());
    expect(replayedSeen.events).toEqual(firstSeen.events);
    expect(resumedSeen.events).toEqual([]);
  });
});
