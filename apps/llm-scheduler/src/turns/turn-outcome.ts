export type TurnOutcome = 'completed' | 'failed' | 'cancelled' | 'duplicate';

/** Thrown when the process stopped a turn for shutdown: nothing more is written, the broker redelivers it. */
export class TurnAbandonedError extends Error {
  override name = 'TurnAbandonedError';
}
