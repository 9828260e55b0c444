import { TurnEvent } from './turn-events';

/**
 * The fields of a log event the fence reads. The attempt is `attempt` in a `chat.event` and `data.attempt`
 * in the stored envelope (which the gateway relays as `attempt`).
 */
export interface FencedEvent {
  type: string;
  turnId?: string;
  /** The writer's attempt at the turn (docs/protocol.md, "Restarts"); absent in events of older writers. */
  attempt?: string;
  data?: Record<string, unknown>;
}

/** The writer's attempt of an event, from `attempt` or the stored envelope's `data.attempt`. */
export function attemptOf(event: FencedEvent): string | undefined {
  const attempt = event.attempt ?? event.data?.['attempt'];
  return typeof attempt === 'string' ? attempt : undefined;
}

/**
 * Which writer's events count for each turn. A turn is written by one attempt at a time; when another
 * scheduler takes it over it writes `turn.restarted` with its own attempt, and from then on only events of
 * that attempt count. Events of a superseded attempt that still arrive (a paused writer that woke up, a
 * send that timed out but was stored late) are dropped, so a reply never mixes two attempts' tokens.
 * The first attempt a reader sees for a turn counts until a `turn.restarted` names another one.
 */
export class AttemptFence {
  private readonly current = new Map<string, string>();

  /** True when the event counts. Call it once per event, in log order. */
  admits(event: FencedEvent): boolean {
    const { turnId } = event;
    const attempt = attemptOf(event);
    if (turnId === undefined || attempt === undefined) return true;
    const current = this.current.get(turnId);
    if (event.type === TurnEvent.TurnRestarted || current === undefined) {
      this.current.set(turnId, attempt);
      return true;
    }
    return attempt === current;
  }

  /** The attempt whose events count for `turnId`, if any was seen. */
  currentAttempt(turnId: string): string | undefined {
    return this.current.get(turnId);
  }

  clear(): void {
    this.current.clear();
  }

  /** Takes over another fence's attempts (TurnLedger.clone). */
  copyFrom(other: AttemptFence): void {
    this.current.clear();
    for (const [turnId, attempt] of other.current) this.current.set(turnId, attempt);
  }
}
