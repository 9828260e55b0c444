/**
 * Topics and consumer groups the cluster is provisioned with, idempotently, on every start: LiteSession's
 * topology (@litesession/chat-protocol, one definition for the apps and this tool) plus two test groups.
 */
import {
  CHAT_CONTROL_TOPIC,
  CHAT_REQUESTS_TOPIC,
  CHAT_TOPIC,
  gatewayGroup,
  SCHEDULER_CONTROL_GROUP,
  SCHEDULER_GROUP,
  SCHEDULER_HISTORY_GROUP,
  SCHEDULER_RETRY_BACKOFF,
  TOPICS,
  topologyGroups,
} from '@litesession/chat-protocol';
import type { ToolConfig } from './config';

export type TopicSpec =
  | { name: string; type: 'LITE'; liteTopicExpirationMinutes: number }
  | { name: string; type: 'NORMAL' | 'FIFO' };

export interface GroupSpec {
  name: string;
  /** FIFO delivery: one message of a queue in flight at a time per group (see the gateway group below). */
  orderly: boolean;
  /** Attempts before the dead-letter queue are retryMaxTimes + 1. */
  retryMaxTimes: number;
  /**
   * Backoff between attempts. mqadmin's default is a CUSTOMIZED policy, which rocketmq-client-nodejs 1.0.8
   * does not implement: it then makes a single attempt and dead-letters a failed FIFO message at once.
   */
  exponentialRetry?: { initialMs: number; maxMs: number; multiplier: number };
  /**
   * clientQuota: lite topics one client may subscribe (sessions per gateway node). maxEventCount: pending
   * dispatch events per client before the broker drops them and falls back to a delayed full dispatch.
   */
  lite?: { bindTopic: string; subModel: 'Exclusive' | 'Shared'; clientQuota: number; maxEventCount: number };
}

export {
  CHAT_TOPIC,
  CHAT_REQUESTS_TOPIC,
  CHAT_CONTROL_TOPIC,
  gatewayGroup,
  SCHEDULER_GROUP,
  SCHEDULER_HISTORY_GROUP,
  SCHEDULER_CONTROL_GROUP,
};

/** Test-only group of libs/rocketmq/test/transport.int-spec.ts: RocketMQServer on an orderly group. */
export const TRANSPORT_FIFO_TEST_GROUP = 'transport-fifo-test';
/**
 * Test-only FIFO topic of the same test. Not `chat-requests`: the schedulers' group would get the test's
 * messages too, fail them as malformed and retry each of them to the dead-letter queue.
 */
export const TRANSPORT_FIFO_TEST_TOPIC = 'transport-fifo-test';

/** Lite topics one client may subscribe: the sessions of one gateway node. */
const LITE_CLIENT_QUOTA = 20_000;
/** Pending dispatch events per client before the broker drops them and falls back to a delayed full dispatch. */
const LITE_MAX_EVENT_COUNT = 10_000;

export function topics(config: ToolConfig): TopicSpec[] {
  const product = TOPICS.map((topic): TopicSpec =>
    topic.type === 'LITE'
      ? { name: topic.name, type: 'LITE', liteTopicExpirationMinutes: config.liteTopicExpirationMinutes }
      : { name: topic.name, type: topic.type },
  );
  return [...product, { name: TRANSPORT_FIFO_TEST_TOPIC, type: 'FIFO' }];
}

export function groups(config: Pick<ToolConfig, 'gatewayGroups'>): GroupSpec[] {
  const product = topologyGroups(config.gatewayGroups).map((group): GroupSpec => ({
    name: group.name,
    orderly: group.orderly,
    retryMaxTimes: group.retryMaxTimes,
    ...(group.exponentialRetry ? { exponentialRetry: { ...group.exponentialRetry } } : {}),
    ...(group.lite
      ? { lite: { ...group.lite, clientQuota: LITE_CLIENT_QUOTA, maxEventCount: LITE_MAX_EVENT_COUNT } }
      : {}),
  }));
  return [
    ...product,
    // Used only by libs/rocketmq/test/transport.int-spec.ts: RocketMQServer on an orderly group (what
    // `llm-scheduler` was before it became concurrent), with the scheduler's retry policy.
    {
      name: TRANSPORT_FIFO_TEST_GROUP,
      orderly: true,
      retryMaxTimes: 3,
      exponentialRetry: { ...SCHEDULER_RETRY_BACKOFF },
    },
    {
      // Used only by libs/rocketmq/test/probes/takeover-fifo-group.probe.ts, to show why the gateway groups are not orderly.
      name: 'probe-fifo',
      orderly: true,
      retryMaxTimes: 3,
      lite: {
        bindTopic: CHAT_TOPIC,
        subModel: 'Exclusive',
        clientQuota: LITE_CLIENT_QUOTA,
        maxEventCount: LITE_MAX_EVENT_COUNT,
      },
    },
  ];
}

/** `mqadmin` arguments that create or update one topic. */
export function topicCommand(topic: TopicSpec, namesrv: string, cluster: string): string[] {
  const attributes =
    topic.type === 'LITE'
      ? `+message.type=LITE,+lite.topic.expiration=${topic.liteTopicExpirationMinutes}`
      : `+message.type=${topic.type}`;
  const order = topic.type === 'FIFO' ? ['-o', 'true'] : [];
  return ['updateTopic', '-n', namesrv, '-c', cluster, '-t', topic.name, ...order, '-a', attributes];
}

/** `mqadmin` arguments that create or update one consumer group. */
export function groupCommand(group: GroupSpec, namesrv: string, cluster: string): string[] {
  const args = ['updateSubGroup', '-n', namesrv, '-c', cluster, '-g', group.name];
  args.push('-o', String(group.orderly), '-r', String(group.retryMaxTimes));
  if (group.exponentialRetry) {
    const { initialMs, maxMs, multiplier } = group.exponentialRetry;
    args.push(
      '-p',
      JSON.stringify({
        type: 'EXPONENTIAL',
        exponentialRetryPolicy: { initial: initialMs, max: maxMs, multiplier },
      }),
    );
  }
  if (group.lite) {
    // updateSubGroup's attributes option has no short form (-a means something else there).
    const { bindTopic, subModel, clientQuota, maxEventCount } = group.lite;
    args.push(
      '--attributes',
      `+lite.bind.topic=${bindTopic},+lite.sub.model=${subModel},+lite.sub.client.quota=${clientQuota},` +
        `+lite.sub.client.max.event.cnt=${maxEventCount}`,
    );
  }
  return args;
}
