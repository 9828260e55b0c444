/**
 * Takeover after SIGKILL in an ORDERLY (FIFO) lite group: A streams, is killed, B subscribes from A's last
 * seq + 1. Prints how long B waits for its first event. (The suite's takeover test uses the non-orderly
 * `gateway` group; this shows why.)
 */
import { encodeSessionEvent } from '../../src';
import { PARENT_TOPIC, testSessionId } from '../support/broker-endpoints';
import { startRawProducer } from '../support/raw-producer';
import { runProbe } from './probe-main';
import { SubscriberProcess } from '../support/subscriber-process';

async function main(): Promise<void> {
  const sessionId = testSessionId('fifo');
  const producer = await startRawProducer();
  const env = { CONSUMER_GROUP: process.env['CONSUMER_GROUP'] ?? 'probe-fifo' };
  const a = SubscriberProcess.start({ sessionIds: [sessionId], env });
  const b = SubscriberProcess.start({ env });
  await Promise.all([a.ready(), b.ready()]);
  let published = 0;
  let stop = false;
  const streaming = (async () => {
    while (!stop && published < 400) {
      await producer.send({
        topic: PARENT_TOPIC,
        liteTopic: sessionId,
        body: encodeSessionEvent({ type: 'token' }),
      });
      published += 1;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  await a.waitUntil(() => a.events().length >= 60, 30_000, '60 events on A');
  await a.kill('SIGKILL');
  const killedAt = Date.now();
  const fromSeq = a.lastSeq(sessionId) + 1;
  b.send(`subscribe ${sessionId} ${fromSeq}`);
  const first = await b.waitFor((l) => l.kind === 'event', 180_000, 'the first event on B');
  console.log(
    `[probe] ${env.CONSUMER_GROUP}: B resumed at seq ${first.seq} (asked ${fromSeq}) ${first.t - killedAt} ms after A's SIGKILL`,
  );
  stop = true;
  await streaming;
  await b.kill('SIGKILL');
  await producer.shutdown();
}

runProbe(main);
