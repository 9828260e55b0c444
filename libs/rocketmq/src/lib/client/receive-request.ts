import type { PushConsumer } from 'rocketmq-client-nodejs';
// The client's own helper for protobuf durations (the package has no exports map; 1.0.8 is pinned).
import { createDuration } from 'rocketmq-client-nodejs/dist/util';

type ReceiveRequest = ReturnType<PushConsumer['wrapPushReceiveMessageRequest']>;

/**
 * Makes a receive hold its messages for `invisibleMs` without the proxy's auto-renew, which keeps a dead
 * consumer's messages invisible until the proxy expires its channel: they come back after `invisibleMs`
 * instead. The proxy's `minInvisibleTimeMillsForRecv` must allow it (tools/rocketmq sets 1 s).
 */
export function holdWithoutAutoRenew<T extends ReceiveRequest>(request: T, invisibleMs: number): T {
  request.setAutoRenew(false);
  request.setInvisibleDuration(createDuration(invisibleMs));
  return request;
}
