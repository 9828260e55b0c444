/**
 * Topics and consumer groups the cluster is provisioned with, idempotently, on every start.
 * Adding one is a one-line change: append an entry below.
 */
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

/** Parent topic of every session's LiteTopic: the channel `chat/{sessionId}`. */
export const CHAT_TOPIC = 'chat';
/** Lite consumer group shared by all gateway nodes (see docs/rocketmq.md, "Why Exclusive"). */
export const GATEWAY_GROUP = 'gateway';
/** FIFO topic of chat requests (message group = session id), consumed by the LLM scheduler. */
export const CHAT_REQUESTS_TOPIC = 'chat-requests';
export const SCHEDULER_GROUP = 'llm-scheduler';
export const TRANSPORT_FIFO_TEST_GROUP = 'transport-fifo-test';
/** Lite group the scheduler reads a session's whole log with (the conversation, before each turn). */
export const SCHEDULER_HISTORY_GROUP = 'llm-scheduler-history';
/** Parent topic of per-session control channels `chat-control/{sessionId}` (turn cancellations). */
export const CHAT_CONTROL_TOPIC = 'chat-control';
/** Lite group the scheduler watches a running turn's control channel with. */
export const SCHEDULER_CONTROL_GROUP = 'llm-scheduler-control';

export function topics(config: ToolConfig): TopicSpec[] {
  return [
    { name: CHAT_TOPIC, type: 'LITE', liteTopicExpirationMinutes: config.liteTopicExpirationMinutes },
    { name: CHAT_REQUESTS_TOPIC, type: 'FIFO' },
    { name: CHAT_CONTROL_TOPIC, type: 'LITE', liteTopicExpirationMinutes: config.liteTopicExpirationMinutes },
  ];
}

/** The scheduler's retry backoff (its final attempt turns into `turn.failed`), also the transport test's. */
const SCHEDULER_RETRY = { initialMs: 1000, maxMs: 60_000, multiplier: 2 };

export function groups(): GroupSpec[] {
  return [
    {
      name: GATEWAY_GROUP,
      // Not orderly on purpose: in a FIFO group the messages a killed node had fetched keep the session
      // blocked for the whole invisible time (60 s measured), even after another node re-subscribes at an
      // offset. Order and exactly-once per reader come from `seq` in @litesession/rocketmq instead.
      orderly: false,
      retryMaxTimes: 3,
      // Exclusive: one node serves a session at a time and a new subscriber takes it over at once.
      lite: { bindTopic: CHAT_TOPIC, subModel: 'Exclusive', clientQuota: 20000, maxEventCount: 10000 },
    },
    // Not orderly: the scheduler holds a request unacknowledged for its whole turn, and in an orderly group
    // that locks the request's queue, so one long turn held up every session hashed to the same queue
    // (8 queues: 8 turns at once, whatever MAX_CONCURRENT_TURNS; docs/benchmarks.md). A session's turns
    // still run one after another: the scheduler waits in the log for the turns before it. A failing
    // request is retried 3 times, then dead-lettered.
    {
      name: SCHEDULER_GROUP,
      orderly: false,
      retryMaxTimes: 3,
      exponentialRetry: SCHEDULER_RETRY,
    },
    // Reader groups of the scheduler: non-orderly and Exclusive for the same reasons as `gateway`.
    {
      name: SCHEDULER_HISTORY_GROUP,
      orderly: false,
      retryMaxTimes: 3,
      lite: { bindTopic: CHAT_TOPIC, subModel: 'Exclusive', clientQuota: 20000, maxEventCount: 10000 },
    },
    {
      name: SCHEDULER_CONTROL_GROUP,
      orderly: false,
      retryMaxTimes: 3,
      lite: {
        bindTopic: CHAT_CONTROL_TOPIC,
        subModel: 'Exclusive',
        clientQuota: 20000,
        maxEventCount: 10000,
      },
    },
    // Used only by libs/rocketmq/test/transport.int-spec.ts: RocketMQServer on an orderly group (what
    // `llm-scheduler` was before it became concurrent), with the scheduler's retry policy.
    {
      name: TRANSPORT_FIFO_TEST_GROUP,
      orderly: true,
      retryMaxTimes: 3,
      exponentialRetry: SCHEDULER_RETRY,
    },
    {
      // Used only by libs/rocketmq/test/probes/takeover-fifo-group.probe.ts, to show why `gateway` is not orderly.
      name: 'probe-fifo',
      orderly: true,
      retryMaxTimes: 3,
      lite: { bindTopic: CHAT_TOPIC, subModel: 'Exclusive', clientQuota: 20000, maxEventCount: 10000 },
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
