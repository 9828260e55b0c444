import type { TurnSettings } from '../config/scheduler.tokens';

/** Turn settings for unit tests: short deadlines, a 5 ms coalescing window. */
export const TEST_TURN_SETTINGS: TurnSettings = {
  nodeId: 'sched-1',
  coalesceMs: 5,
  turnTimeoutMs: 5_000,
  historyTimeoutMs: 2_000,
  finalAttempt: 4,
  shutdownGraceMs: 100,
};
