/** Injection token of TurnSettings. */
export const TURN_SETTINGS = Symbol('TURN_SETTINGS');

export interface TurnSettings {
  nodeId: string;
  coalesceMs: number;
  turnTimeoutMs: number;
  /** Deadline for reading a session's log up to the scheduler's marker. */
  historyTimeoutMs: number;
  /**
   * Delivery attempt after which a request would go to the dead-letter queue (SCHEDULER_FINAL_ATTEMPT in
   * @litesession/chat-protocol's topology). On it, a failing turn is ended with `turn.failed` instead, so
   * no turn is left hanging.
   */
  finalAttempt: number;
  /** How long the last attempt keeps trying to write its `turn.failed` while the broker refuses it. */
  giveUpWriteMs: number;
  /**
   * A gateway's copy of a request (`resend`) takes a running turn over only when the turn's last event is
   * older than this: its writer went silent. A younger one means the original request is being run.
   */
  silentWriterMs: number;
  /** How long a turn's first broker calls (marker, log read) are tried again while the broker refuses them. */
  brokerPatienceMs: number;
  /** How long a SIGTERM waits for running turns before handing them over. */
  shutdownGraceMs: number;
}
