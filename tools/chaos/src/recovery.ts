import { ISSUE_BOUNDS } from './time-bounds';
import type { Outage } from './outage';

/** One turn the gateway acknowledged, as its session's client saw it. Times in ms since the epoch. */
export interface TurnTiming {
  turnId: string;
  /** The driver called `send()`: from then on the user waits for this turn. */
  sentAt: number;
  /**
   * When the client's TurnView of it last became completed, failed or cancelled; undefined when it never
   * did (or a `turn.restarted` reopened it and no ending followed).
   */
  endedAt: number | undefined;
}

export interface Recovery {
  /** Turns open during some outage that did not end by its `backAt` + the bound (each turn counted once). */
  late: number;
  /**
   * The longest time from an outage's `backAt` until the last turn open during it ended: 0 when every
   * such turn ended before it was back (or none was open), Infinity when one never ended.
   */
  recoverySeconds: number;
}

/** True when the user was waiting for the turn at some moment between the kill and the restart's end. */
export function isOpenDuring(turn: TurnTiming, outage: Outage): boolean {
  return turn.sentAt <= outage.backAt && (turn.endedAt === undefined || turn.endedAt >= outage.killedAt);
}

export function recoveryOf(
  outages: readonly Outage[],
  turns: readonly TurnTiming[],
  boundMs = ISSUE_BOUNDS.recoveryMs,
): Recovery {
  const late = new Set<string>();
  let worstMs = 0;
  for (const outage of outages) {
    for (const turn of turns.filter((t) => isOpenDuring(t, outage))) {
      const afterBackMs = turn.endedAt === undefined ? Infinity : turn.endedAt - outage.backAt;
      if (afterBackMs > boundMs) late.add(turn.turnId);
      worstMs = Math.max(worstMs, afterBackMs);
    }
  }
  return { late: late.size, recoverySeconds: worstMs / 1000 };
}
