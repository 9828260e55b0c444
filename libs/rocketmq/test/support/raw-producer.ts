import { Producer } from 'rocketmq-client-nodejs';
import { withSettingsReplay } from '../../src/lib/client/settings-replay';
import { brokerEndpoints, PARENT_TOPIC } from './broker-endpoints';

/**
 * A bare rocketmq-client-nodejs producer (no library in between), for tests and probes that need what the
 * library hides (send receipts) or refuses (bodies that are not envelopes). Its logs are dropped.
 */
export async function startRawProducer(topics: string[] = [PARENT_TOPIC]): Promise<Producer> {
  const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const producer = new (withSettingsReplay(Producer))({
    endpoints: brokerEndpoints(),
    namespace: '',
    topics,
    logger: quiet,
  });
  await producer.startup();
  return producer;
}
