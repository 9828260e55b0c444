/**
 * Several devices on one session: a phone and a tablet on node A, a laptop and an SSE stream on node B
 * (each node in its own lite group), one scheduler. Every device gets every event live, in order, once;
 * either side can send; the one-turn-at-a-time rule holds across them, and nobody is told `session_moved`.
 */
import type { ChatEventPayload } from '@litesession/chat-protocol';
import { ChatClient, expectGapless, expectTokensMatchReply } from './support/chat-client';
import { E2E_USER, GatewayProcess } from './support/gateway-process';
import { mintJwt } from './support/identity';
import { SchedulerProcess } from './support/scheduler-process';
import { readSessionEvents } from './support/session-log';

/** A reply of 200 tokens at 20 tok/s: ten seconds in which the second device sends while the turn runs. */
const LONG_REPLY = { SIM_TOKENS_PER_SECOND: '20', SIM_REPLY_TOKENS: '200' };

describe('several devices on one session, on two nodes', () => {
  let nodeA: GatewayProcess;
  let nodeB: GatewayProcess;
  let scheduler: SchedulerProcess;
  const devices: ChatClient[] = [];

  beforeAll(async () => {
    [nodeA, nodeB, scheduler] = await Promise.all([
      GatewayProcess.start('node-a'),
      GatewayProcess.start('node-b'),
      SchedulerProcess.start('sched-md', LONG_REPLY),
    ]);
  });

  afterAll(async () => {
    devices.forEach((device) => device.disconnect());
    await Promise.all([nodeA?.stop(), nodeB?.stop(), scheduler?.stop()]);
  });

  it('every device sees both turns whole; a send while a turn runs is refused on any device', async () => {
    const phone = await ChatClient.start(nodeA);
    devices.push(phone);
    const [tablet, laptop] = await Promise.all([
      ChatClient.joining(phone, nodeA),
      ChatClient.joining(phone, nodeB),
    ]);
    devices.push(tablet, laptop);
    const session = phone.session as NonNullable<ChatClient['session']>;
    const completedTurns = (events: readonly ChatEventPayload[]) =>
      events.filter((event) => event.type === 'turn.completed').length;
    const sse = readSessionEvents(
      nodeB.url,
      session,
      { authorization: `Bearer ${await mintJwt(E2E_USER)}` },
      (events) => completedTurns(events) >= 2,
    );

    const first = await phone.send('a question from the phone');
    expect(first).toMatchObject({ ok: true });
    const firstTurn = first.turnId as string;
    // The laptop, on the other node, follows the phone's turn while it runs …
    await laptop.waitFor(
      (events) => events.filter((e) => e.turnId === firstTurn && e.type === 'token').length >= 5,
      'the phone’s turn on the laptop',
    );
    expect(laptop.events.some((e) => e.turnId === firstTurn && e.type === 'turn.completed')).toBe(false);
    // … so it may not start another one until it ends.
    const refused = await laptop.send('a question from the laptop, too early');
    expect(refused).toMatchObject({ ok: false, error: { code: 'turn_in_progress' } });

    for (const device of [phone, tablet, laptop]) await device.waitForEvent('turn.completed', firstTurn);
    const second = await laptop.send('a question from the laptop');
    expect(second).toMatchObject({ ok: true });
    const secondTurn = second.turnId as string;
    for (const device of [phone, tablet, laptop]) await device.waitForEvent('turn.completed', secondTurn);
    const streamed = await sse;

    // The same log on every device: gapless from seq 0, each reply equal to its tokens.
    for (const device of [phone, tablet, laptop]) {
      expectGapless(device.events);
      expectTokensMatchReply(device.events, firstTurn);
      expectTokensMatchReply(device.events, secondTurn);
      expect(device.events).toEqual(phone.events);
      expect(device.errors).toEqual([]);
      expect(device.connected).toBe(true);
    }
    expect(streamed.map((event) => event.seq)).toEqual(streamed.map((_, index) => index));
    expect(streamed).toEqual(phone.events.slice(0, streamed.length));
    expect(completedTurns(streamed)).toBe(2);
    const users = phone.events.filter((e) => e.type === 'user.message').map((e) => e.text);
    expect(users).toEqual(['a question from the phone', 'a question from the laptop']);
  });
});
