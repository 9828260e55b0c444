// What one `npm run bench` measured: written as results.json, rendered by report/.

/** The three ways of streaming a session's tokens to its Socket.IO client that the benchmark compares. */
export type PathName = 'litesession' | 'direct' | 'redis';

export const PATH_LABELS: Record<PathName, string> = {
  litesession: 'LiteSession (RocketMQ LiteTopic)',
  direct: 'Direct (in-process emit, no broker)',
  redis: 'Redis Streams (XADD/XREAD)',
};

/** Milliseconds. */
export interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** One step of the load ladder: `sessions` sessions streaming at `tokensPerSecond` each, through one gateway. */
export interface LadderStep {
  path: PathName;
  sessions: number;
  /** Offered per session. */
  tokensPerSecond: number;
  windowSeconds: number;
  /** sessions × tokensPerSecond × windowSeconds. */
  offeredTokens: number;
  /** Tokens in events published inside the window that reached their client. */
  deliveredTokens: number;
  deliveredEvents: number;
  /** Per token event: writer's timestamp → client receipt. */
  latency: LatencySummary;
  tokensPerSecondPerGateway: number;
  /** Gateway process CPU (user + system) over the window ÷ delivered tokens. */
  gatewayCpuMicrosPerToken: number;
  /** The rest of the path (broker JVMs + scheduler, or Redis + generator) ÷ delivered tokens. */
  infraCpuMicrosPerToken: number;
  /** The same, process by process (e.g. `proxy`, `broker`, `scheduler`). */
  infraCpuMicrosPerTokenByProcess?: Record<string, number>;
  /** Gateway resident memory at the end of the window. */
  gatewayRssBytes: number;
  lost: number;
  duplicated: number;
  reordered: number;
  /** Sessions that could not be opened or started. */
  failedSessions: number;
  passed: boolean;
  /** Why the step failed the pass rule; empty when it passed. */
  failures: string[];
}

/** Idle sessions connected (and, for LiteSession, subscribed) to one gateway, ramped up step by step. */
/** One RSS sample of a gateway with `sessions` sessions open. */
export interface MemorySample {
  sessions: number;
  gatewayRssBytes: number;
}

/** Gateway memory per connected session, empty against with a history (scenarios/history-memory.ts). */
export interface HistoryMemoryResult {
  path: PathName;
  /** Sessions measured: those whose every history turn ended in time. */
  sessions: number;
  /** Sessions left out because a history turn did not end within the turn deadline. */
  leftOut: number;
  /** Turns in each history session's log. */
  turns: number;
  medianLogEvents: number;
  emptySamples: MemorySample[];
  historySamples: MemorySample[];
  /** Slopes of least-squares fits of gateway RSS against open sessions. */
  emptyBytesPerSession: number;
  historyBytesPerSession: number;
}

export interface CapacityResult {
  path: PathName;
  target: number;
  /** Sessions open at the top of the ramp. */
  reached: number;
  samples: Array<{ sessions: number; gatewayRssBytes: number }>;
  /** Slope of a least-squares fit of gateway RSS against open sessions. */
  bytesPerSession: number;
  /** Sessions opened per second during the ramp. */
  openRatePerSecond: number;
  /** LiteSession: time to subscribe the session's LiteTopic for the sessions opened in the last ramp step. */
  subscribe?: LatencySummary;
  errors: number;
}

/** The serving gateway SIGKILLed while its sessions stream; clients reconnect to the other node. */
export interface ResumeResult {
  path: PathName;
  sessions: number;
  tokensPerSecond: number;
  /** False for the direct path: its stream dies with the process. */
  supported: boolean;
  /** Sessions that reconnected and got their first missed event. */
  resumed: number;
  /** Per resumed session: reconnect (handshake answered) → first missed event, ms. */
  resumeMs: number[];
  resume: LatencySummary;
  /** Per session: connection lost → handshake answered on the other node, ms (client backoff included). */
  reconnect: LatencySummary;
  /** The shortest session log (events) when the gateway was killed. */
  logEvents?: number;
  /** Resume matrix: the log length the run waited for before the kill (0: none). */
  askedLogEvents?: number;
  /** Which run of this (path, sessions, log length) it was, from 1. */
  run?: number;
  lost: number;
  duplicated: number;
  note?: string;
}

/** One run of the conversation scenario on one path (scenarios/conversation.ts). */
export interface ConversationRun {
  /** Per turn of one conversation (index 0 = turn 1): `chat.send` → its `turn.started` at the client, ms. */
  turnStartedMs: number[];
  /** Per turn: `chat.send` → its first token at the client, ms. */
  firstTokenMs: number[];
  /** Per turn: events in the session's log when it was sent. */
  logEvents: number[];
  /** New sessions' first turns, one after another: `chat.send` → `turn.started`, ms. */
  firstTurnStartedMs: number[];
}

/** The conversation scenario for one path: `runs` runs, each a new path and a new conversation. */
export interface ConversationResult {
  path: PathName;
  turns: number;
  tokensPerSecond: number;
  replyTokens: number;
  runs: ConversationRun[];
}

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
}

export interface BenchSettings {
  /** Sessions per ladder step. */
  ladder: number[];
  tokensPerSecond: number;
  warmupSeconds: number;
  windowSeconds: number;
  passRule: string;
  capacitySessions: number;
  resumeSessions: number;
  /** Turns of the conversation scenario (0: skipped), and its runs per path. */
  conversationTurns?: number;
  conversationRuns?: number;
  /** The resume matrix: sessions resuming at once, log lengths (at DEPTH_SESSIONS sessions), runs. */
  resumeCounts?: number[];
  resumeDepths?: number[];
  resumeRuns?: number;
  /** The takeover scenario: sessions streaming over two schedulers, and its runs (0: skipped). */
  takeoverSessions?: number;
  takeoverRuns?: number;
  /** The history-memory scenario: sessions, turns per history, and runs (0 sessions: skipped). */
  historySessions?: number;
  historyTurns?: number;
  historyRuns?: number;
  paths: PathName[];
}

export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  /** The command line that produced these results. */
  command: string;
  machine: MachineInfo;
  /** Package and server versions, e.g. `rocketmq: 5.5.0`, `redis-server: 7.0.15`. */
  versions: Record<string, string>;
  settings: BenchSettings;
  ladder: LadderStep[];
  capacity: CapacityResult[];
  resume: ResumeResult[];
  conversation?: ConversationResult[];
  /** Issue 11's resume runs: by concurrent sessions and by log length, several runs of each (`run`). */
  resumeMatrix?: ResumeResult[];
  /** Issue 11's gateway memory per session with a history against an empty one, several runs. */
  historyMemory?: HistoryMemoryResult[];
  /** Issue 11's scheduler takeover after SIGKILL, LiteSession only. */
  takeover?: TakeoverResult[];
}

/** SIGKILL: the other scheduler waits out the request's lease; SIGTERM: the scheduler hands its turns back. */
export const TAKEOVER_STOPS = ['SIGKILL', 'SIGTERM'] as const;
export type TakeoverStop = (typeof TAKEOVER_STOPS)[number];

/**
 * One run of the takeover scenario (scenarios/takeover.ts): sessions stream over two schedulers, the one
 * running more turns is SIGKILLed, and the other takes its turns over.
 */
export interface TakeoverResult {
  path: PathName;
  run: number;
  sessions: number;
  /** How the scheduler was stopped (results before SIGTERM runs existed lack it: SIGKILL). */
  stop?: TakeoverStop;
  /** SIGTERM: the scheduler's SHUTDOWN_GRACE_MS; times are measured from the signal plus this. */
  graceMs?: number;
  /** Turns the killed scheduler was running, by its /metrics just before the kill. */
  victimTurns: number;
  /** Sessions that got a `turn.restarted` written after the kill. */
  restarted: number;
  /** Per restarted session: SIGKILL (or SIGTERM + graceMs) → the `turn.restarted` event's writer time, ms. */
  restartMs: number[];
  restart: LatencySummary;
  lost: number;
  duplicated: number;
}
