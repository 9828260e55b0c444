import type { FaultClass } from './fault-classes';
import type { TimeBounds } from './time-bounds';

/** What one run of the chaos drill does (runDrill, `npm run chaos`). */
export interface DrillOptions {
  /** Fault classes, each run as its own phase with its own sessions. */
  faults: FaultClass[];
  /** Chatting sessions per phase. */
  sessions: number;
  /** How long faults are injected in each phase. */
  faultSeconds: number;
  /**
   * Time between two faults: for app nodes from one kill to the next; for broker-side faults from the
   * servers being back (and the new session's check being done) to the next kill.
   */
  faultIntervalSeconds: number;
  /** Aborting stops injecting faults; the phase in progress still drains, and the cluster is restored. */
  signal?: AbortSignal;
  /** The time bounds a phase is judged by. @default ISSUE_BOUNDS (10 s, 60 s) */
  bounds?: TimeBounds;
}
