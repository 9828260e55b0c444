import { Code, Resource, Status } from 'rocketmq-client-nodejs/proto/apache/rocketmq/v2/definition_pb';
import {
  AckMessageRequest,
  AckMessageResponse,
  AckMessageResultEntry,
} from 'rocketmq-client-nodejs/proto/apache/rocketmq/v2/service_pb';
import type { Endpoints } from 'rocketmq-client-nodejs/dist/route/Endpoints';
import { AckBatcher, type SendAck } from './ack-batcher';

const proxy = (name: string) => ({ toString: () => name }) as unknown as Endpoints;
const status = (code: number) => new Status().setCode(code);

/** A one-message ack as the client builds it (PushConsumer.wrapAckMessageRequest). */
function ackOf(messageId: string, topic = 'chat'): AckMessageRequest {
  const request = new AckMessageRequest()
    .setGroup(new Resource().setName('gateway'))
    .setTopic(new Resource().setName(topic));
  request.addEntries().setMessageId(messageId).setReceiptHandle(`rh-${messageId}`).setLiteTopic('s1');
  return request;
}

/** A proxy that answers each entry with `codes[messageId]` (OK when absent), and records each call. */
function fakeProxy(codes: Record<string, number> = {}) {
  const calls: Array<{ proxy: string; ids: string[]; topic: string | undefined }> = [];
  const send: SendAck = async (endpoints, request) => {
    const entries = request.getEntriesList();
    calls.push({
      proxy: endpoints.toString(),
      ids: entries.map((entry) => entry.getMessageId()),
      topic: request.getTopic()?.getName(),
    });
    const response = new AckMessageResponse().setStatus(status(Code.OK));
    for (const entry of entries) {
      const code = codes[entry.getMessageId()] ?? Code.OK;
      response.addEntries(
        new AckMessageResultEntry()
          .setMessageId(entry.getMessageId())
          .setReceiptHandle(entry.getReceiptHandle())
          .setStatus(status(code)),
      );
      if (code !== Code.OK) response.setStatus(status(Code.MULTIPLE_RESULTS));
    }
    return response;
  };
  return { send, calls };
}

const codeOf = (response: AckMessageResponse) => response.getStatus()?.getCode();

describe('AckBatcher', () => {
  it('sends the acks of one tick in one call, and answers each with its own status', async () => {
    const { send, calls } = fakeProxy({ m2: Code.INVALID_RECEIPT_HANDLE });
    const batcher = new AckBatcher(send);

    const answers = await Promise.all(
      ['m1', 'm2', 'm3'].map((id) => batcher.ack(proxy('p1'), ackOf(id), 3_000)),
    );

    expect(calls).toEqual([{ proxy: 'p1', ids: ['m1', 'm2', 'm3'], topic: 'chat' }]);
    expect(answers.map(codeOf)).toEqual([Code.OK, Code.INVALID_RECEIPT_HANDLE, Code.OK]);
    expect(answers[1]?.getEntriesList().map((entry) => entry.getMessageId())).toEqual(['m2']);
  });

  it('keeps proxies and topics apart, and starts a new call in the next tick', async () => {
    const { send, calls } = fakeProxy();
    const batcher = new AckBatcher(send);

    await Promise.all([
      batcher.ack(proxy('p1'), ackOf('a'), 3_000),
      batcher.ack(proxy('p2'), ackOf('b'), 3_000),
      batcher.ack(proxy('p1'), ackOf('c', 'other'), 3_000),
      batcher.ack(proxy('p1'), ackOf('d'), 3_000),
    ]);
    await batcher.ack(proxy('p1'), ackOf('e'), 3_000);

    expect(calls).toEqual([
      { proxy: 'p1', ids: ['a', 'd'], topic: 'chat' },
      { proxy: 'p2', ids: ['b'], topic: 'chat' },
      { proxy: 'p1', ids: ['c'], topic: 'other' },
      { proxy: 'p1', ids: ['e'], topic: 'chat' },
    ]);
  });

  it('puts at most 32 entries in one call', async () => {
    const { send, calls } = fakeProxy();
    const batcher = new AckBatcher(send);
    const ids = Array.from({ length: 40 }, (_, i) => `m${i}`);

    await Promise.all(ids.map((id) => batcher.ack(proxy('p1'), ackOf(id), 3_000)));

    expect(calls.map((call) => call.ids.length)).toEqual([32, 8]);
    expect(calls.flatMap((call) => call.ids)).toEqual(ids);
  });

  it('fails every ack of a call that failed, so that the client retries each', async () => {
    const batcher = new AckBatcher(() => Promise.reject(new Error('proxy gone')));

    const answers = await Promise.allSettled(
      ['m1', 'm2'].map((id) => batcher.ack(proxy('p1'), ackOf(id), 3_000)),
    );

    expect(answers.map((answer) => answer.status)).toEqual(['rejected', 'rejected']);
  });

  it("gives an ack the call's own status when the answer has no entry for it", async () => {
    const batcher = new AckBatcher(async () => new AckMessageResponse().setStatus(status(Code.FORBIDDEN)));

    const answers = await Promise.all(['m1', 'm2'].map((id) => batcher.ack(proxy('p1'), ackOf(id), 3_000)));

    expect(answers.map(codeOf)).toEqual([Code.FORBIDDEN, Code.FORBIDDEN]);
  });

  it('passes a request with several entries through unchanged', async () => {
    const { send, calls } = fakeProxy();
    const request = ackOf('m1');
    request.addEntries().setMessageId('m2').setReceiptHandle('rh-m2');

    await new AckBatcher(send).ack(proxy('p1'), request, 3_000);

    expect(calls).toEqual([{ proxy: 'p1', ids: ['m1', 'm2'], topic: 'chat' }]);
  });
});
