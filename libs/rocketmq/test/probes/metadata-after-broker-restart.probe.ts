/**
 * How long after a broker SIGKILL + restart the proxy refuses new work: every 250 ms, through the outage
 * and then from the moment the tool reports the broker ready, a lite subscribe of a fresh session (group `gateway`) and a FIFO send to
 * `chat-requests`, until both have worked 3 times in a row or 60 s pass. Prints when each first worked and
 * the distinct errors before that (the chaos drill saw "group not found: gateway" and "TopicMessageType
 * validate failed … UNSPECIFIED" for 11-18 s: the proxy's metadata caches).
 *
 * Needs its own cluster: ROCKETMQ_DIR, ROCKETMQ_ENDPOINTS and the ROCKETMQ_*_PORT settings of that cluster.
 */
import { ConsumeResult, OffsetOption, Producer } from 'rocketmq-client-nodejs';
import { withSettingsReplay } from '../../src/lib/client/settings-replay';
import { LiteSessionPushConsumer } from '../../src/lib/session-channels/lite-session-push-consumer';
import { brokerEndpoints, GATEWAY_GROUP, PARENT_TOPIC, testSessionId } from '../support/broker-endpoints';
import { killBrokerNow, requireOwnCluster, rocketmqTool, sleep } from './lite-log';
import { runProbe } from './probe-main';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const DEADLINE_MS = 60_000;
const IN_A_ROW = 3;

/** One kind of call, tried again and again: when it first worked (after IN_A_ROW successes) and what failed. */
class Attempts {
  okSince: number | undefined;
  private streak = 0;
  private firstOkAt: number | undefined;
  readonly errors = new Map<string, number>();

  constructor(private readonly call: () => Promise<void>) {}

  get settled(): boolean {
    return this.streak >= IN_A_ROW;
  }

  /** `readyAt` undefined: the broker is still down; the call is made, and counts for nothing. */
  async tryOnce(readyAt: number | undefined): Promise<void> {
    try {
      await this.call();
      if (readyAt === undefined) return;
      this.firstOkAt ??= Date.now() - readyAt;
      this.streak += 1;
      if (this.settled) this.okSince = this.firstOkAt;
    } catch (error) {
      if (readyAt === undefined) return;
      const text = (error as Error).message
        .split('\n')[0]
        ?.replace(/request-id=[^,\]]*/, '')
        .slice(0, 140);
      this.errors.set(text ?? '?', (this.errors.get(text ?? '?') ?? 0) + 1);
      this.streak = 0;
      this.firstOkAt = undefined;
    }
  }
}

async function main(): Promise<void> {
  requireOwnCluster();
  const consumer = new LiteSessionPushConsumer({
    endpoints: brokerEndpoints(),
    namespace: '',
    consumerGroup: GATEWAY_GROUP,
    bindTopic: PARENT_TOPIC,
    subscriptions: new Map(),
    logger: quiet,
    messageListener: { consume: () => ConsumeResult.SUCCESS },
  });
  await consumer.startup();
  const producer = new (withSettingsReplay(Producer))({
    endpoints: brokerEndpoints(),
    namespace: '',
    topics: ['chat-requests'],
    logger: quiet,
  });
  await producer.startup();

  const subscribe = new Attempts(async () => {
    const session = testSessionId('meta');
    await consumer.subscribeLite(session, OffsetOption.ofOffset(0));
    await consumer.unsubscribeLite(session);
  });
  const send = new Attempts(async () => {
    await producer.send({
      topic: 'chat-requests',
      messageGroup: testSessionId('meta'),
      body: Buffer.from('{}'),
    });
  });
  await subscribe.tryOnce(Date.now());
  await send.tryOnce(Date.now());
  if (subscribe.errors.size + send.errors.size > 0)
    throw new Error('the cluster does not work before the kill');

  const pid = killBrokerNow();
  // The calls go on during the outage, as a live system's do: each one makes the proxy reload its caches.
  let readyAt: number | undefined;
  const restarted = sleep(2_000)
    .then(() => rocketmqTool('start'))
    .then(() => (readyAt = Date.now()));
  const pending = () => [subscribe, send].filter((attempts) => !attempts.settled);
  while (readyAt === undefined || (pending().length > 0 && Date.now() - readyAt < DEADLINE_MS)) {
    const at = readyAt;
    await Promise.all(pending().map((attempts) => attempts.tryOnce(at)));
    await sleep(250);
  }
  await restarted;
  console.log(`[probe] broker pid ${pid} killed and restarted with the tool; both calls tried every 250 ms`);
  for (const [name, attempts] of [
    ['lite subscribe', subscribe],
    ['FIFO send', send],
  ] as const) {
    const errors = [...attempts.errors].map(([text, count]) => `${count}× ${text}`).join('; ') || 'none';
    const ok = attempts.okSince === undefined ? 'never' : `${(attempts.okSince / 1000).toFixed(1)} s`;
    console.log(`[probe] ${name}: works from ${ok} after the broker was ready; errors before: ${errors}`);
  }
  await Promise.race([Promise.all([consumer.close(), producer.shutdown()]), sleep(8_000)]);
}

runProbe(main);
