/**
 * A LITE parent topic on a 2-broker cluster (npm run rocketmq -- start --brokers 2): SESSIONS sessions ×
 * MESSAGES messages through the proxy. Prints where each session's messages are stored (mqadmin
 * getLiteTopicInfo per session) and whether one lite push consumer reads every session completely, in
 * order, with offsets 0, 1, 2, … per session.
 */
import { startRawProducer } from '../support/raw-producer';
import { testSessionId } from '../support/broker-endpoints';
import { runProbe } from './probe-main';
import { liteTopicInfo, LiteReader, publish } from './lite-log';

const SESSIONS = Number(process.env['SESSIONS'] ?? 40);
const MESSAGES = Number(process.env['MESSAGES'] ?? 5);
/** Sessions checked with mqadmin too (a JVM each, several seconds on 2 cores); the consumer checks all. */
const INFO_SESSIONS = Number(process.env['INFO_SESSIONS'] ?? 10);

async function main(): Promise<void> {
  const sessions = Array.from({ length: SESSIONS }, (_, i) => testSessionId(`shard${i}`));
  const producer = await startRawProducer();
  const failures: string[] = [];
  await Promise.all(
    sessions.map(async (session) => {
      for (let n = 0; n < MESSAGES; n += 1) {
        const error = await publish(producer, session, n);
        if (error) failures.push(`${session} #${n}: ${error}`);
      }
    }),
  );
  console.log(
    `[probe] published ${SESSIONS} × ${MESSAGES}, ${failures.length} failed ${failures.slice(0, 3).join(' | ')}`,
  );

  // Where the brokers say they stored them.
  const perBroker = new Map<string, number>();
  let split = 0;
  let shardingAgrees = 0;
  for (const session of sessions.slice(0, INFO_SESSIONS)) {
    const holding = (await liteTopicInfo(session)).filter((row) => row.maxOffset > 0);
    if (holding.length > 1) split += 1;
    const [row] = holding;
    if (row) perBroker.set(row.broker, (perBroker.get(row.broker) ?? 0) + 1);
    if (holding.length === 1 && row?.sharding) shardingAgrees += 1;
    if (holding.length !== 1 || row?.maxOffset !== MESSAGES) {
      console.log(
        `[probe]   ${session}: ${holding.map((r) => `${r.broker} ${r.minOffset}..${r.maxOffset}`).join(', ')}`,
      );
    }
  }
  console.log(
    `[probe] getLiteTopicInfo of ${INFO_SESSIONS} sessions: per broker ${JSON.stringify(Object.fromEntries(perBroker))}, ` +
      `split over two brokers ${split}, on the broker its "Sharding" column names ${shardingAgrees}`,
  );

  // What a lite push consumer reads from offset 0.
  const reader = await LiteReader.start(sessions);
  const complete = await reader.waitFor(() => reader.reads.length >= SESSIONS * MESSAGES, 60_000);
  let inOrder = 0;
  let splitRead = 0;
  const brokersSeen = new Map<string, number>();
  for (const session of sessions) {
    const reads = reader.of(session);
    const offsets = reads.map((r) => r.offset).join(',');
    const numbers = reads.map((r) => r.n).join(',');
    const expected = Array.from({ length: MESSAGES }, (_, i) => i).join(',');
    if (offsets === expected && numbers === expected) inOrder += 1;
    else console.log(`[probe]   ${session}: offsets ${offsets} bodies ${numbers}`);
    const brokers = new Set(reads.map((r) => r.broker));
    if (brokers.size > 1) splitRead += 1;
    for (const broker of brokers) brokersSeen.set(broker, (brokersSeen.get(broker) ?? 0) + 1);
  }
  console.log(
    `[probe] consumer: ${reader.reads.length}/${SESSIONS * MESSAGES} read (${complete ? 'all' : 'timed out'}), ` +
      `${inOrder}/${SESSIONS} sessions complete with offsets and bodies 0..${MESSAGES - 1} in order; ` +
      `sessions read from ${JSON.stringify(Object.fromEntries(brokersSeen))}, from both brokers ${splitRead}`,
  );
  await reader.close();
  await producer.shutdown();
}

runProbe(main);
