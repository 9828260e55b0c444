import { FilterExpression } from 'rocketmq-client-nodejs';
import { LiteSessionPushConsumer } from './lite-session-push-consumer';

type QueueArg = Parameters<LiteSessionPushConsumer['wrapPushReceiveMessageRequest']>[1];

/**
 * The consumer as its receive-request builder sees it. A real instance starts the client's timers and
 * channels in its constructor, so the method runs on its prototype with only what it reads.
 */
function consumer(receiveInvisibleMs?: number): LiteSessionPushConsumer {
  return Object.create(LiteSessionPushConsumer.prototype, {
    consumerGroup: { value: 'gateway' },
    tuning: { value: { receiveInvisibleMs } },
  }) as LiteSessionPushConsumer;
}

// What wrapPushReceiveMessageRequest reads of the queue: its protobuf form.
const queue = { toProtobuf: () => undefined } as unknown as QueueArg;

describe('LiteSessionPushConsumer receive requests', () => {
  it('asks for no auto-renew and the given invisible time, so that a dead node frees its sessions fast', () => {
    const request = consumer(3_000).wrapPushReceiveMessageRequest(32, queue, FilterExpression.SUB_ALL, 5_000);
    expect(request.getAutoRenew()).toBe(false);
    expect(request.getInvisibleDuration()?.getSeconds()).toBe(3);
  });

  it("keeps the client's auto-renew when no invisible time is given", () => {
    const request = consumer().wrapPushReceiveMessageRequest(32, queue, FilterExpression.SUB_ALL, 5_000);
    expect(request.getAutoRenew()).toBe(true);
    expect(request.getInvisibleDuration()).toBeUndefined();
  });
});
