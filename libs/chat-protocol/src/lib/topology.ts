/**
 * LiteSession's RocketMQ resources: every topic and consumer group, with the settings each one needs and
 * why. One definition: the apps take the names from here and tools/rocketmq provisions exactly this.
 */

/** Parent topic (LITE) of every session's log: the lite topic `chat/{sessionId}`. */
export const CHAT_TOPIC = 'chat';
/** FIFO topic of requests from gateways to schedulers (message group = session id). */
export const CHAT_REQUESTS_TOPIC = 'chat-requests';
/**
 * Parent topic (LITE) of per-session control channels `chat-control/{sessionId}`: gateways write a
 * cancellation there and the scheduler running the turn watches it. Kept out of the session log so that
 * clients see only turn events.
 */
export const CHAT_CONTROL_TOPIC = 'chat-control';
/**
 * Parent topic (LITE) of per-session transcripts `chat-transcript/{sessionId}`: one entry per ended turn,
 * written by the scheduler that ran it, so that a scheduler new to a session reads its conversation in
 * O(turns) instead of reading every token event of its log.
 */
export const CHAT_TRANSCRIPT_TOPIC = 'chat-transcript';

/**
 * Lite group of gateway node `index` (GATEWAY_GROUP_INDEX) on `chat`. Every live node has its own group,
 * because a group delivers each message once: in an Exclusive group a node that subscribes a session
 * evicts the node that served it, and a Shared group hands each message to one subscriber only. With a
 * group per node, every node serving a session gets all of its events, so several devices can follow one
 * session on any nodes (docs/architecture.md). A node restarted with its index takes its group back.
 */
export function gatewayGroup(index: number): string {
  if (!Number.isSafeInteger(index) || index < 0) {
    throw new RangeError(`a gateway group index is an integer >= 0 (got ${String(index)})`);
  }
  return `gateway-${index}`;
}
/** Gateway groups provisioned unless told otherwise (tools/rocketmq ROCKETMQ_GATEWAY_GROUPS): gateway-0 … gateway-7. */
export const DEFAULT_GATEWAY_GROUPS = 8;
/** The schedulers' group on `chat-requests`. */
export const SCHEDULER_GROUP = 'llm-scheduler';
/** Lite group the schedulers read a session's log with (the conversation, before each turn). */
export const SCHEDULER_HISTORY_GROUP = 'llm-scheduler-history';
/** Lite group the scheduler running a turn watches its control channel with. */
export const SCHEDULER_CONTROL_GROUP = 'llm-scheduler-control';
/** Lite group the schedulers read a session's transcript with. */
export const SCHEDULER_TRANSCRIPT_GROUP = 'llm-scheduler-transcript';

/**
 * Retries of a request before its dead-letter queue. Each broker outage or lost lease can cost a turn an
 * attempt, so there are enough to ride out a few; the scheduler ends the turn with `turn.failed` on the
 * last attempt (SCHEDULER_FINAL_ATTEMPT) instead of letting it reach the dead-letter queue.
 */
export const SCHEDULER_RETRIES = 8;
/** The last delivery attempt of a request: SCHEDULER_RETRIES + 1. */
export const SCHEDULER_FINAL_ATTEMPT = SCHEDULER_RETRIES + 1;
/** Backoff between attempts of a failed request: 1 s, 2 s, 4 s, … at most 30 s. */
export const SCHEDULER_RETRY_BACKOFF = { initialMs: 1000, maxMs: 30_000, multiplier: 2 } as const;

export type TopicType = 'LITE' | 'FIFO' | 'NORMAL';

export interface TopicSettings {
  name: string;
  type: TopicType;
}

export interface GroupSettings {
  name: string;
  /** FIFO delivery: one message of a queue in flight at a time per group. */
  orderly: boolean;
  /** Attempts before the dead-letter queue are retryMaxTimes + 1. */
  retryMaxTimes: number;
  exponentialRetry?: { initialMs: number; maxMs: number; multiplier: number };
  /** Lite groups: the parent topic they bind to, and how sessions are shared among their clients. */
  lite?: { bindTopic: string; subModel: 'Exclusive' | 'Shared' };
}

export const TOPICS: readonly TopicSettings[] = [
  { name: CHAT_TOPIC, type: 'LITE' },
  { name: CHAT_REQUESTS_TOPIC, type: 'FIFO' },
  { name: CHAT_CONTROL_TOPIC, type: 'LITE' },
  { name: CHAT_TRANSCRIPT_TOPIC, type: 'LITE' },
];

/**
 * Every consumer group, with `gatewayGroups` gateway groups (gateway-0 … gateway-{n-1}): at least one per
 * gateway node that runs at the same time.
 */
export function topologyGroups(gatewayGroups: number = DEFAULT_GATEWAY_GROUPS): GroupSettings[] {
  if (!Number.isSafeInteger(gatewayGroups) || gatewayGroups < 1) {
    throw new RangeError(`gatewayGroups is an integer >= 1 (got ${String(gatewayGroups)})`);
  }
  const gateways = Array.from({ length: gatewayGroups }, (_, index) => ({
    name: gatewayGroup(index),
    ...GATEWAY_GROUP_SETTINGS,
  }));
  return [...gateways, ...SCHEDULER_GROUPS];
}

const GATEWAY_GROUP_SETTINGS: Omit<GroupSettings, 'name'> = {
  // Not orderly on purpose: in a FIFO group the messages a killed node had fetched keep the session
  // blocked for the whole invisible time (60 s measured), even after another node re-subscribes at an
  // offset. Order and exactly-once per reader come from `seq` in @litesession/rocketmq instead.
  // Exclusive: a node restarted with the same index takes its sessions over at once from the dead process.
  orderly: false,
  retryMaxTimes: 3,
  lite: { bindTopic: CHAT_TOPIC, subModel: 'Exclusive' },
};

const SCHEDULER_GROUPS: readonly GroupSettings[] = [
  {
    name: SCHEDULER_GROUP,
    // Not orderly: a scheduler holds a request for its whole turn, and in an orderly group that locks the
    // request's queue, so one long turn held up every session hashed to the same queue (8 queues: 8 turns
    // at once; docs/benchmarks.md). A session's turns still run one after another (the scheduler waits in
    // the log for the turns before it).
    orderly: false,
    retryMaxTimes: SCHEDULER_RETRIES,
    exponentialRetry: SCHEDULER_RETRY_BACKOFF,
  },
  // The schedulers' reader groups: non-orderly for the gateway's reasons. Exclusive, so a second reader of
  // a session takes it over; the scheduler's readers then subscribe again where they were.
  {
    name: SCHEDULER_HISTORY_GROUP,
    orderly: false,
    retryMaxTimes: 3,
    lite: { bindTopic: CHAT_TOPIC, subModel: 'Exclusive' },
  },
  {
    name: SCHEDULER_CONTROL_GROUP,
    orderly: false,
    retryMaxTimes: 3,
    lite: { bindTopic: CHAT_CONTROL_TOPIC, subModel: 'Exclusive' },
  },
  {
    name: SCHEDULER_TRANSCRIPT_GROUP,
    orderly: false,
    retryMaxTimes: 3,
    lite: { bindTopic: CHAT_TRANSCRIPT_TOPIC, subModel: 'Exclusive' },
  },
];
