import { AttemptFence } from './attempt-fence';
import { endsTurn, TurnEvent } from './turn-events';

/** What a session log says about one turn. */
export interface TurnRecord {
  turnId: string;
  /** 1 for the session's first turn, … (order of the turns' first `user.message`). */
  number: number;
  userText: string;
  status: 'running' | 'completed' | 'failed' | 'cancelled';
  /** The reply of a completed turn (its last `turn.completed`). */
  reply?: string;
  /** The ending event as written, to write it again if a turn is taken over after it ended. */
  ending?: { type: string; text?: string; data?: Record<string, unknown> };
  /**
   * `ts` of the turn's last event from its writer: its first `user.message` or any later event but a
   * repeated `user.message` (those are other deliveries' markers and say nothing of the writer).
   */
  lastWrittenAt?: number;
}

/** The fields of a log event the ledger reads (a SessionEvent has them). */
export interface LedgerEvent {
  type: string;
  turnId?: string;
  text?: string;
  /** `data.attempt` is the writer's attempt (see AttemptFence). */
  data?: Record<string, unknown>;
  attempt?: string;
  /** When the event was written (ms since the epoch). */
  ts?: number;
}

/**
 * Folds a session's log, event by event, into its turns: the conversation the model gets and whether a
 * turn is still running. Duplicate `user.message`s of one turn (a retried request) count once, and events
 * of an attempt a `turn.restarted` superseded do not count (AttemptFence).
 */
export class TurnLedger {
  private readonly byId = new Map<string, TurnRecord>();
  private readonly ordered: TurnRecord[] = [];
  private readonly fence = new AttemptFence();

  observe(event: LedgerEvent): void {
    const turnId = event.turnId;
    if (turnId === undefined) return;
    // A repeated user.message carries the repeat's own attempt: it opens nothing and is not fenced.
    if (event.type !== TurnEvent.UserMessage || !this.byId.has(turnId)) {
      if (!this.fence.admits(event)) return;
    }
    let turn = this.byId.get(turnId);
    if (event.type === TurnEvent.UserMessage && !turn) {
      turn = { turnId, number: this.ordered.length + 1, userText: event.text ?? '', status: 'running' };
      if (event.ts !== undefined) turn.lastWrittenAt = event.ts;
      this.byId.set(turnId, turn);
      this.ordered.push(turn);
      return;
    }
    if (!turn) return;
    if (event.type === TurnEvent.UserMessage) return; // a repeat: another delivery's marker
    if (event.ts !== undefined) turn.lastWrittenAt = Math.max(turn.lastWrittenAt ?? 0, event.ts);
    if (event.type === TurnEvent.TurnRestarted || event.type === TurnEvent.TurnStarted) {
      turn.status = 'running';
    } else if (endsTurn(event.type)) {
      turn.status =
        event.type === TurnEvent.TurnCompleted
          ? 'completed'
          : event.type === TurnEvent.TurnFailed
            ? 'failed'
            : 'cancelled';
      turn.ending = { type: event.type };
      if (event.text !== undefined) turn.ending.text = event.text;
      if (event.data !== undefined) turn.ending.data = event.data;
      if (event.type === TurnEvent.TurnCompleted) turn.reply = event.text ?? '';
    }
  }

  /**
   * A ledger that starts with `turns` (e.g. a transcript's ended turns, numbered 1, 2, … in that order):
   * the log's events from where they end are folded into it.
   */
  static of(turns: readonly TurnRecord[]): TurnLedger {
    const ledger = new TurnLedger();
    for (const turn of turns) {
      if (ledger.byId.has(turn.turnId)) continue;
      const record: TurnRecord = { ...turn, number: ledger.ordered.length + 1 };
      if (turn.ending) record.ending = { ...turn.ending };
      ledger.byId.set(turn.turnId, record);
      ledger.ordered.push(record);
    }
    return ledger;
  }

  /** An independent copy: folding more events into it leaves this one as it is. */
  clone(): TurnLedger {
    const copy = new TurnLedger();
    for (const turn of this.ordered) {
      const record: TurnRecord = { ...turn };
      if (turn.ending) record.ending = { ...turn.ending };
      copy.byId.set(turn.turnId, record);
      copy.ordered.push(record);
    }
    copy.fence.copyFrom(this.fence);
    return copy;
  }

  get(turnId: string): TurnRecord | undefined {
    return this.byId.get(turnId);
  }

  /** Turns in the order they were opened. */
  turns(): readonly TurnRecord[] {
    return this.ordered;
  }

  /** The turn still running, if any (at most one: a session's requests run one after another). */
  running(): TurnRecord | undefined {
    return this.ordered.findLast((turn) => turn.status === 'running');
  }
}
