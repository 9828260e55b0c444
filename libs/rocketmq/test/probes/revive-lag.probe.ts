/**
 * How long after a lease runs out does a `chat-requests` message reach another consumer (issue 11's
 * takeover)? MESSAGES (20) requests, one per message group, are received by a holder that renews their
 * lease (ChangeInvisibleDuration, LEASE_MS = 2 s, every LEASE_MS / 4) for HOLD_MS (3 s) and then falls
 * silent, as a SIGKILLed scheduler does. A second consumer of the same group then long-polls and acks
 * what it gets. Prints the times from each lease's end (last renewal + LEASE_MS, by this process's clock)
 * to the second consumer's receive. To compare the broker's revive settings, change them between runs
 * (`mqadmin updateBrokerConfig -k reviveInterval -v …`; they apply at the next revive scan).
 *
 * Both consumers are SimpleConsumers with the library's settings replay, group `llm-scheduler`: run it on
 * a cluster of its own (ROCKETMQ_DIR, ROCKETMQ_ENDPOINTS).
 */
import { FilterExpression, type MessageView, SimpleConsumer } from 'rocketmq-client-nodejs';
import { withSettingsReplay } from '../../src/lib/client/settings-replay';
import { brokerEndpoints } from '../support/broker-endpoints';
import { startRawProducer } from '../support/raw-producer';
import { runProbe } from './probe-main';
import { sleep } from './lite-log';

const env = (name: string, fallback: string) => process.env[name] ?? fallback;
const MESSAGES = Number(env('MESSAGES', '20'));
const LEASE_MS = Number(env('LEASE_MS', '2000'));
const HOLD_MS = Number(env('HOLD_MS', '3000'));
const WAIT_MS = Number(env('WAIT_MS', '60000'));
const TOPIC = 'chat-requests';
const GROUP = 'llm-scheduler';
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

function consumer(): SimpleConsumer {
  return new (withSettingsReplay(SimpleConsumer))({
    endpoints: brokerEndpoints(),
    namespace: '',
    logger: quiet,
    consumerGroup: GROUP,
    subscriptions: new Map([[TOPIC, FilterExpression.SUB_ALL]]),
    awaitDuration: 5_000,
  });
}

const runOf = (view: MessageView) => (JSON.parse(view.body.toString()) as { run?: string }).run;

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
}

async function main(): Promise<void> {
  const run = `revive-${Date.now().toString(36)}`;
  const holder = consumer();
  const taker = consumer();
  const [producer] = await Promise.all([startRawProducer([TOPIC]), holder.startup(), taker.startup()]);

  // Drain what earlier runs left, so that the holder gets this run's messages.
  for (let empty = 0; empty < 2;) {
    const left = await holder.receive(32, 1_000);
    empty = left.length === 0 ? empty + 1 : 0;
    await Promise.all(left.map((view) => holder.ack(view)));
  }
  for (let n = 0; n < MESSAGES; n += 1) {
    await producer.send({
      topic: TOPIC,
      messageGroup: `${run}-${n}`,
      body: Buffer.from(JSON.stringify({ run, n })),
    });
  }

  const held = new Map<string, MessageView>();
  const deadline = Date.now() + 30_000;
  while (held.size < MESSAGES && Date.now() < deadline) {
    for (const view of await holder.receive(32, LEASE_MS)) {
      if (runOf(view) === run) held.set(view.messageId, view);
      else await holder.ack(view);
    }
  }
  if (held.size < MESSAGES) throw new Error(`the holder received ${held.size} of ${MESSAGES} messages`);

  // Renew every lease until HOLD_MS has passed, then stop: the lease of each runs out LEASE_MS later.
  const leaseEnds = new Map<string, number>();
  const holdUntil = Date.now() + HOLD_MS;
  while (Date.now() < holdUntil) {
    await Promise.all(
      [...held.values()].map(async (view) => {
        await holder.changeInvisibleDuration(view, LEASE_MS);
        leaseEnds.set(view.messageId, Date.now() + LEASE_MS);
      }),
    );
    await sleep(Math.floor(LEASE_MS / 4));
  }

  const lags = new Map<string, number>();
  const giveUp = Date.now() + WAIT_MS;
  while (lags.size < MESSAGES && Date.now() < giveUp) {
    const views = await taker.receive(32, 30_000).catch(() => [] as MessageView[]);
    const at = Date.now();
    for (const view of views) {
      const end = leaseEnds.get(view.messageId);
      if (end !== undefined && !lags.has(view.messageId)) lags.set(view.messageId, at - end);
      await taker.ack(view);
    }
  }
  const sorted = [...lags.values()].sort((a, b) => a - b);
  console.log(
    `[probe] revive lag after a ${LEASE_MS} ms lease: ${lags.size}/${MESSAGES} taken over within ${WAIT_MS} ms; ` +
      `min ${sorted[0]} p50 ${quantile(sorted, 0.5)} p99 ${quantile(sorted, 0.99)} max ${sorted.at(-1)} ms; ` +
      `all: ${sorted.join(', ')}`,
  );
  await Promise.all([holder.shutdown(), taker.shutdown(), producer.shutdown()]);
}

runProbe(main);
