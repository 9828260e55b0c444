/** Injection token of TurnSettings. */
export const TURN_SETTINGS = Symbol('TURN_SETTINGS');

export interface TurnSettings {
  nodeId: string;
  coalesceMs: number;
  turnTimeoutMs: number;
  /** Deadline for reading a session's log up to the scheduler's marker. */
  historyTimeoutMs: number;
  /**
   * Delivery attempt after which a request would go to the dead-letter queue: the `llm-scheduler` group's
   * retryMaxTimes (3, tools/rocketmq/src/resources.ts) + 1. On it, a failing turn is ended with
   * `turn.failed` instead, so no turn is left hanging.
   */
  finalAttempt: number;
  /** How long a SIGTERM waits for running turns before handing them over. */
  shutdownGraceMs: number;
}
