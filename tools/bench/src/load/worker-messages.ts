// The IPC protocol between the bench (parent) and its client worker processes.

export type WorkerCommand =
  /** Open `count` sessions on `urls[0]` (the others are failover targets), `concurrency` handshakes at a time. */
  | {
      type: 'open';
      count: number;
      urls: string[];
      /** The handshake's `token` (the LiteSession gateways verify it). */
      credential?: string;
      startTurn: boolean;
      concurrency: number;
      idPrefix: string;
    }
  /** Measure token events whose writer timestamp is in [fromMs, toMs) (epoch ms). */
  | { type: 'window'; fromMs: number; toMs: number }
  | { type: 'report' }
  /** Cancel running turns (`chat.cancel`), then disconnect every session. */
  | { type: 'close' };

export interface OpenResult {
  type: 'opened';
  opened: number;
  failed: number;
  /** First failure reasons, for the log. */
  errors: string[];
  elapsedMs: number;
}

export interface WorkerReport {
  type: 'report';
  sessions: number;
  /** hdr-histogram-js, compressed base64: latency in µs of token events in the window. */
  latencyHistogram: string;
  deliveredEvents: number;
  deliveredTokens: number;
  lost: number;
  duplicated: number;
  reordered: number;
  /** Sessions whose connection dropped and came back: connection lost → `session` on the new node. */
  reconnectMs: number[];
  /** Of those, `session` → first event the client had not had. */
  resumeMs: number[];
  /** Sessions that lost their connection and had not reconnected and resumed by now. */
  unresumed: number;
  /** The worker's own event-loop delay p99 over the window (ms): high values mean the clients lagged. */
  loopDelayP99Ms: number;
  /** Per session: the writer times (epoch ms) of the `turn.restarted` events it got. */
  restartTs: number[][];
  /** The shortest log among its sessions: the lowest `lastSeq + 1` (0 with no session). */
  minLogEvents: number;
}

export interface ClosedResult {
  type: 'closed';
  cancelled: number;
}

export type WorkerAnswer = OpenResult | WorkerReport | ClosedResult;
