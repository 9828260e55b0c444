import type { ClientTimeline } from './client-timeline';
import type { Outage } from './outage';

/** What the issue allows: a connected client learns of a broker outage within 5 s. */
export const TOLD_WITHIN_MS = 5_000;

type Changes = ClientTimeline['connected'];

/** The value at `at`: that of the last change at or before it (false before the first). */
function valueAt(changes: Changes, at: number): boolean {
  let value = false;
  for (const change of changes) {
    if (change.at > at) break;
    value = change.value;
  }
  return value;
}

/** The first moment in [from, to] at which the value was true, or undefined. */
export function firstTrueIn(changes: Changes, from: number, to: number): number | undefined {
  if (valueAt(changes, from)) return from;
  return changes.find((change) => change.value && change.at > from && change.at <= to)?.at;
}

/**
 * Whether a client connected during the outage was told of it in time: its broker view read
 * `unavailable`, or it got an `unavailable` refusal, between the kill and 5 s after the kill (or after it
 * connected, when it connected only during the outage: it cannot be told before). Undefined when it was
 * not connected at any moment of the outage, so nothing was owed.
 */
export function wasTold(
  timeline: ClientTimeline,
  outage: Outage,
  withinMs = TOLD_WITHIN_MS,
): boolean | undefined {
  const connectedAt = firstTrueIn(timeline.connected, outage.killedAt, outage.backAt);
  if (connectedAt === undefined) return undefined;
  const deadline = connectedAt + withinMs;
  return (
    firstTrueIn(timeline.brokerUnavailable, outage.killedAt, deadline) !== undefined ||
    timeline.unavailableSignals.some((at) => at >= outage.killedAt && at <= deadline)
  );
}

/** Sessions connected during an outage and not told in time, summed over the outages. */
export function countUntold(
  outages: readonly Outage[],
  timelines: readonly ClientTimeline[],
  withinMs = TOLD_WITHIN_MS,
): number {
  let untold = 0;
  for (const outage of outages) {
    for (const timeline of timelines) if (wasTold(timeline, outage, withinMs) === false) untold += 1;
  }
  return untold;
}
