import { RocketMQConfigError } from './rocketmq.errors';

const NAME = /^[A-Za-z0-9_%-]{1,127}$/;
const ENDPOINT = /^[^\s;:]+:\d{1,5}$/;

/** Options of RocketMQModule.forRoot / forRootAsync. The library reads no environment variables: apps pass these. */
export interface RocketMQModuleOptions {
  /** Proxy gRPC endpoints, e.g. `127.0.0.1:8081` or `a:8081;b:8081`. */
  endpoints: string;
  /** @default '' */
  namespace?: string;
  credentials?: { accessKey: string; accessSecret: string; securityToken?: string };
  /** Bootstrap fails when a client has not started within this time. @default 10_000 */
  startupTimeoutMs?: number;
  /** Deadline of each RPC to the proxy (the client's minimum is 1000). @default 3_000 */
  requestTimeoutMs?: number;
  sessionChannels: {
    /** Parent topic (message type LITE) of every session's LiteTopic. */
    parentTopic: string;
    /** Lite consumer group (lite.bind.topic = parentTopic). Omit in processes that only publish. */
    consumerGroup?: string;
  };
  /** Further topics this process publishes to; their routes are fetched at start-up. @default [] */
  producerTopics?: string[];
  /**
   * Resends of a send the broker refused for flow control ("broker busy": nothing was stored), with
   * backoff. Other failures are never resent: a timed-out send may have been stored, and a resend would
   * write the event twice (the client's own retry does that; seen under load). @default 8
   */
  busyRetries?: number;
  /** Health reports down after this many consecutive failed sends. @default 3 */
  unhealthyAfterSendFailures?: number;
  /** How often the consumer checks whether the broker moved a session to another node. @default 2_000 */
  revocationCheckIntervalMs?: number;
  /**
   * When a subscribed session received nothing for this long after activity, the consumer re-sends its
   * whole subscription set, which makes the broker dispatch stalled sessions again (5.5.0 loses dispatch
   * events: apache/rocketmq#11191, docs/rocketmq.md). At most one resync per period, and up to four per quiet spell (1, 2, 4, 8 periods apart); 0 turns it off.
   * @default 1_000
   */
  stallRecoveryMs?: number;
  /**
   * How long a received session event stays invisible to the group before it is delivered again unless
   * acked. The lite consumer acks every event on arrival, so this only bounds how long a killed node's
   * in-flight events block its sessions for the node that resumes them. Must be at least the proxy's
   * `minInvisibleTimeMillsForRecv` (default 10 s; tools/rocketmq sets 1 s). @default 3_000
   */
  receiveInvisibleMs?: number;
  /**
   * Ack the messages of one received batch in one call to the proxy (one entry each) instead of one call
   * per message. The proxy still acks them one by one towards the broker. At 100 sessions × 30 tok/s it
   * cut the bench's p99 from 407-605 ms to 192-200 ms (docs/benchmarks.md §9), but with it on, one run of
   * the 500-session integration test left sessions short of events for 120 s (docs/rocketmq.md), so it
   * is off until that is understood. @default false
   */
  coalesceAcks?: boolean;
  /**
   * After a receive that returned messages, wait this long before the next receive, so that it returns
   * more at once (fewer calls per event, up to this much more latency). @default 0
   */
  receiveLingerMs?: number;
  /** Upper bound on closing the lite consumer at shutdown (it otherwise waits out its long poll, up to ~21 s). @default 5_000 */
  shutdownTimeoutMs?: number;
}

export interface ResolvedRocketMQOptions {
  readonly endpoints: string;
  readonly namespace: string;
  readonly credentials: RocketMQModuleOptions['credentials'];
  readonly startupTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly sessionChannels: Readonly<{ parentTopic: string; consumerGroup: string | undefined }>;
  readonly producerTopics: readonly string[];
  readonly busyRetries: number;
  readonly unhealthyAfterSendFailures: number;
  readonly revocationCheckIntervalMs: number;
  readonly stallRecoveryMs: number;
  readonly receiveInvisibleMs: number;
  readonly coalesceAcks: boolean;
  readonly receiveLingerMs: number;
  readonly shutdownTimeoutMs: number;
}

/** Applies defaults and reports every problem at once. Never mutates `raw`. */
export function resolveRocketMQOptions(raw: RocketMQModuleOptions): ResolvedRocketMQOptions {
  const problems: string[] = [];
  const endpoints = typeof raw?.endpoints === 'string' ? raw.endpoints.trim() : '';
  if (!endpoints || !endpoints.split(';').every((e) => ENDPOINT.test(e.trim()))) {
    problems.push('endpoints must be "host:port" or several separated by ";" (e.g. 127.0.0.1:8081)');
  }
  const integerAtLeast = (name: string, value: unknown, fallback: number, min = 1): number => {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
      problems.push(`${name} must be an integer >= ${min}`);
    }
    return value as number;
  };
  const startupTimeoutMs = integerAtLeast('startupTimeoutMs', raw?.startupTimeoutMs, 10_000);
  const requestTimeoutMs = integerAtLeast('requestTimeoutMs', raw?.requestTimeoutMs, 3_000, 1_000);
  const busyRetries = integerAtLeast('busyRetries', raw?.busyRetries, 8, 0);
  const unhealthyAfterSendFailures = integerAtLeast(
    'unhealthyAfterSendFailures',
    raw?.unhealthyAfterSendFailures,
    3,
  );
  const revocationCheckIntervalMs = integerAtLeast(
    'revocationCheckIntervalMs',
    raw?.revocationCheckIntervalMs,
    2_000,
    100,
  );
  const stallRecoveryMs = integerAtLeast('stallRecoveryMs', raw?.stallRecoveryMs, 1_000, 0);
  const shutdownTimeoutMs = integerAtLeast('shutdownTimeoutMs', raw?.shutdownTimeoutMs, 5_000);
  const receiveInvisibleMs = integerAtLeast('receiveInvisibleMs', raw?.receiveInvisibleMs, 3_000, 1_000);
  const receiveLingerMs = integerAtLeast('receiveLingerMs', raw?.receiveLingerMs, 0, 0);
  const coalesceAcks = raw?.coalesceAcks ?? false;
  if (typeof coalesceAcks !== 'boolean') problems.push('coalesceAcks must be true or false');
  const parentTopic = raw?.sessionChannels?.parentTopic;
  if (typeof parentTopic !== 'string' || !NAME.test(parentTopic)) {
    problems.push('sessionChannels.parentTopic must be a topic name ([A-Za-z0-9_%-], 1-127 characters)');
  }
  const consumerGroup = raw?.sessionChannels?.consumerGroup;
  if (
    consumerGroup !== undefined &&
    (typeof consumerGroup !== 'string' || !/^[A-Za-z0-9_-]{1,255}$/.test(consumerGroup))
  ) {
    problems.push('sessionChannels.consumerGroup must match [A-Za-z0-9_-]+');
  }
  const producerTopics = raw?.producerTopics ?? [];
  if (!Array.isArray(producerTopics) || !producerTopics.every((t) => typeof t === 'string' && NAME.test(t))) {
    problems.push('producerTopics must be a list of topic names');
  }
  const credentials = raw?.credentials;
  if (credentials !== undefined && (!credentials.accessKey || !credentials.accessSecret)) {
    problems.push('credentials need both accessKey and accessSecret');
  }
  if (problems.length > 0) throw new RocketMQConfigError(problems);
  return Object.freeze({
    endpoints,
    namespace: raw.namespace ?? '',
    credentials: credentials ? { ...credentials } : undefined,
    startupTimeoutMs,
    requestTimeoutMs,
    sessionChannels: Object.freeze({ parentTopic: parentTopic as string, consumerGroup }),
    producerTopics: Object.freeze([...producerTopics]),
    busyRetries,
    unhealthyAfterSendFailures,
    revocationCheckIntervalMs,
    stallRecoveryMs,
    receiveInvisibleMs,
    coalesceAcks,
    receiveLingerMs,
    shutdownTimeoutMs,
  });
}
