/**
 * The scheduler's RocketMQ consumer groups, all in one place. tools/rocketmq/src/resources.ts provisions
 * them (apps cannot import tools, so the names are repeated there).
 */
/** Group of the FIFO topic `chat-requests`: consumed concurrently, 3 retries (see TurnSettings.finalAttempt). */
export const SCHEDULER_GROUP = 'llm-scheduler';
/** Lite group on `chat`: reads a session's whole log before each turn. */
export const SCHEDULER_HISTORY_GROUP = 'llm-scheduler-history';
/** Lite group on `chat-control`: watches a running turn's cancellations. */
export const SCHEDULER_CONTROL_GROUP = 'llm-scheduler-control';
