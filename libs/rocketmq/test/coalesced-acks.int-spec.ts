/**
 * Notes §8.2: an AckMessageRequest carries several entries, each with its own lite topic, and the proxy
 * acks them one by one. Verified here against the real broker with the library's AckBatcher: a received
 * batch is acked in fewer calls than messages, every entry is answered OK, and no message comes back
 * after its invisible time (an unacked one would, about 5 s + 2.5 s later).
 */
import { LitePushConsumerImpl } from 'rocketmq-client-nodejs';
import type { AckMessageResponse } from 'rocketmq-client-nodejs/proto/apache/rocketmq/v2/service_pb';
import { Code } from 'rocketmq-client-nodejs/proto/apache/rocketmq/v2/definition_pb';
import { LiteReader, publish } from './probes/lite-log';
import { testSessionId } from './support/broker-endpoints';
import { startRawProducer } from './support/raw-producer';

const MESSAGES = 200;

describe('coalesced lite acks on a real broker', () => {
  afterEach(() => jest.restoreAllMocks());

  it('acks each received batch in one call, and no acked message is delivered again', async () => {
    const ackCall = jest.spyOn(LitePushConsumerImpl.prototype, 'ackMessageViaRpc');
    const session = testSessionId('acks');
    const reader = await LiteReader.start([session], { coalesceAcks: true, receiveInvisibleMs: 5_000 });
    const producer = await startRawProducer();
    try {
      // Twenty sends at a time, so messages pile up while a batch's ack is in flight.
      for (let n = 0; n < MESSAGES; n += 20) {
        const failures = await Promise.all(
          Array.from({ length: 20 }, (_, i) => publish(producer, session, n + i)),
        );
        expect(failures.filter(Boolean)).toEqual([]);
      }
      expect(await reader.waitFor(() => reader.of(session).length >= MESSAGES, 60_000)).toBe(true);
      // Past the invisible time and the broker's revive lag: anything unacked would be back by now.
      await new Promise((resolve) => setTimeout(resolve, 9_000));

      const offsets = reader.of(session).map((read) => read.offset);
      expect(offsets).toHaveLength(MESSAGES);
      expect(new Set(offsets).size).toBe(MESSAGES);

      const requests = ackCall.mock.calls.map(([, request]) => request.getEntriesList().length);
      // A call that timed out on a busy machine is retried by the client: count what was answered OK.
      const answers = await Promise.allSettled(
        ackCall.mock.results.map((result) => result.value as Promise<AckMessageResponse>),
      );
      const ackedOk = new Set(
        answers.flatMap((answer) =>
          answer.status === 'fulfilled'
            ? answer.value
                .getEntriesList()
                .filter((entry) => entry.getStatus()?.getCode() === Code.OK)
                .map((entry) => entry.getMessageId())
            : [],
        ),
      );
      console.log(
        `[measure] ${MESSAGES} lite messages acked in ${requests.length} calls (largest ${Math.max(...requests)} entries)`,
      );
      expect(ackedOk.size).toBe(MESSAGES);
      expect(requests.length).toBeLessThan(MESSAGES);
    } finally {
      await producer.shutdown();
      await reader.close();
    }
  }, 120_000);
});
