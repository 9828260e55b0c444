/**
 * The time bounds a broker-side phase is judged by: a new session's first token after the servers are
 * back, and the end of every turn that was open during the outage.
 */
export interface TimeBounds {
  newSessionMs: number;
  recoveryMs: number;
}

/** What issue 10 asks, and what `npm run chaos` checks: 10 s for a new session, 60 s for every turn. */
export const ISSUE_BOUNDS: TimeBounds = { newSessionMs: 10_000, recoveryMs: 60_000 };

/**
 * What the short drill in `npm test` checks: that a new session works and every turn ends, with room for
 * a CI machine busy with other suites (no test may depend on an idle CPU). The issue's bounds are
 * measured by the long drill; both print the same figures.
 */
export const LIVENESS_BOUNDS: TimeBounds = { newSessionMs: 45_000, recoveryMs: 120_000 };
