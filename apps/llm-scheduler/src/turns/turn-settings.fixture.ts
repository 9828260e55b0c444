import type { TurnSettings } from '../config/scheduler.tokens';

/** Turn settings for unit tests: short deadlines, a 5 ms coalescing window. */
export const TEST_TURN_SETTINGS: TurnSettings = {
  nodeId: 'sched-1',
  coalesceMs: 5,
  turnTimeoutMs: 5_000,
  historyTimeoutMs: 2_000,
  finalAttempt: 4,
  giveUpWriteMs: 200,
  silentWriterMs: 1_000,
  brokerPatienceMs: 1_500,
  shutdownGraceMs: 100,
};
