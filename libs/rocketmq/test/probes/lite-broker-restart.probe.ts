/**
 * Acknowledged lite messages across a broker SIGKILL on a 1-broker cluster: SESSIONS × 2 × MESSAGES
 * messages. The first half is read from offset 0 before the kill; the broker is killed the moment the
 * second half is acknowledged (unread, maybe not yet flushed or dispatched) and restarted with the tool.
 * A fresh reader from offset 0 must then find every acknowledged message once, at offset = its number.
 *
 * Needs its own cluster: ROCKETMQ_DIR, ROCKETMQ_ENDPOINTS and the ROCKETMQ_*_PORT settings of that cluster.
 */
import { startRawProducer } from '../support/raw-producer';
import { testSessionId } from '../support/broker-endpoints';
import { runProbe } from './probe-main';
import { killBrokerNow, LiteReader, publish, requireOwnCluster, rocketmqTool } from './lite-log';

const SESSIONS = Number(process.env['SESSIONS'] ?? 20);
const MESSAGES = Number(process.env['MESSAGES'] ?? 25);

async function main(): Promise<void> {
  requireOwnCluster();
  const sessions = Array.from({ length: SESSIONS }, (_, i) => testSessionId(`restart${i}`));
  const producer = await startRawProducer();
  const acked: Array<{ session: string; n: number }> = [];
  const failed: string[] = [];
  const publishHalf = (from: number) =>
    Promise.all(
      sessions.map(async (session) => {
        for (let n = from; n < from + MESSAGES; n += 1) {
          const error = await publish(producer, session, n);
          if (error) failed.push(error);
          else acked.push({ session, n });
        }
      }),
    );

  await publishHalf(0);
  const first = await LiteReader.start(sessions);
  await first.waitFor(() => first.reads.length >= acked.length, 60_000);
  const offsetBefore = new Map(first.reads.map((r) => [`${r.session}#${r.n}`, r.offset]));
  await first.close();
  console.log(`[probe] first half: ${acked.length} acknowledged, ${first.reads.length} read before the kill`);

  await publishHalf(MESSAGES);
  const pid = killBrokerNow();
  console.log(
    `[probe] second half: ${acked.length - first.reads.length} more acknowledged; broker pid ${pid} killed at once`,
  );
  await producer.shutdown();

  const restartAt = Date.now();
  await rocketmqTool('start');
  console.log(`[probe] restarted with the tool in ${((Date.now() - restartAt) / 1000).toFixed(1)} s`);
  const fresh = await LiteReader.start(sessions);
  await fresh.waitFor(() => fresh.reads.length >= acked.length, 60_000);
  await fresh.waitFor(() => false, 3_000); // anything beyond: duplicates
  const read = new Map(fresh.reads.map((r) => [`${r.session}#${r.n}`, r.offset]));
  const missing = acked.filter((m) => !read.has(`${m.session}#${m.n}`));
  const wrongOffset = fresh.reads.filter((r) => r.offset !== r.n);
  const changed = [...offsetBefore].filter(([key, offset]) => read.get(key) !== offset);
  console.log(
    `[probe] after the restart: ${fresh.reads.length} read of ${acked.length} acknowledged (${failed.length} sends failed): ` +
      `${missing.length} missing, ${fresh.reads.length - read.size} duplicated, ${wrongOffset.length} at an offset other than ` +
      `their number, ${changed.length} of the first half at another offset than before the kill`,
  );
  await fresh.close();
}

runProbe(main);
