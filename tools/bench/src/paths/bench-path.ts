import type { PathName } from '../results';

/** How a path is started for one scenario. */
export interface PathOptions {
  /** Gateway nodes; clients are given their URLs in this order and fail over to the next. */
  gateways: number;
  /** Per session, the simulated model's rate. */
  tokensPerSecond: number;
  /** Tokens per reply: long enough that a session streams for the whole scenario. */
  replyTokens: number;
  /** Sessions the path must be able to run at once (scheduler slots, per scheduler). */
  maxSessions: number;
  /** LiteSession: scheduler processes sharing the turns (default 1). */
  schedulers?: number;
  /** LiteSession: the schedulers' SHUTDOWN_GRACE_MS (default 0: the bench stops them with turns running). */
  schedulerGraceMs?: number;
}

export interface InfraProcess {
  name: string;
  pid: number;
}

/** One started path: its gateways, the processes whose CPU is measured, and a way to kill a gateway. */
export interface RunningPath {
  readonly name: PathName;
  /** Base URLs (`http://127.0.0.1:port`) of the gateway nodes, in PathOptions order. */
  readonly gatewayUrls: string[];
  /** The handshake `token` clients present, when the gateways authenticate. */
  readonly credential?: string;
  /** The pid of gateway `index`. */
  gatewayPid(index: number): number;
  /** Everything else of the path whose CPU counts per token (broker JVMs, scheduler, Redis, generator). */
  infraProcesses(): InfraProcess[];
  /** SIGKILL gateway `index` and wait until it is gone. */
  killGateway(index: number): Promise<void>;
  /** LiteSession: the gateway's Prometheus page (it times each LiteTopic subscribe). */
  gatewayMetricsUrl?(index: number): string;
  /** LiteSession: turns scheduler `index` runs now, from its /metrics. */
  schedulerTurns?(index: number): Promise<number>;
  /** LiteSession: SIGKILL scheduler `index` and wait until it is gone. */
  killScheduler?(index: number): Promise<void>;
  /** LiteSession: SIGTERM to scheduler `index`; resolves once the signal is sent (stop() waits for the exit). */
  terminateScheduler?(index: number): void;
  /** LiteSession: resolves once the scheduler runs no turn (after the clients cancelled theirs), or on timeout. */
  waitIdle?(timeoutMs: number): Promise<void>;
  /** Stops everything this path started, by pid. */
  stop(): Promise<void>;
}

export interface BenchPath {
  readonly name: PathName;
  start(options: PathOptions): Promise<RunningPath>;
}
