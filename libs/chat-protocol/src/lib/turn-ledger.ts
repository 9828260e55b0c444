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
}

/** The fields of a log event the ledger reads (a SessionEvent has them). */
export interface LedgerEvent {
  type: string;
  turnId?: string;
  text?: string;
  data?: Record<string, unknown>;
}

/**
 * Folds a session's log, event by event, into its turns: the conversation the model gets and whether a
 * turn is still running. Duplicate `user.message`s of one turn (a retried request) count once.
 */
export class TurnLedger {
  private readonly byId = new Map<string, TurnRecord>();
  private readonly ordered: TurnRecord[] = [];

  observe(event: LedgerEvent): void {
    const turnId = event.turnId;
    if (turnId === undefined) return;
    let turn = this.byId.get(turnId);
    if (event.type === TurnEvent.UserMessage && !turn) {
      turn = { turnId, number: this.ordered.length + 1, userText: event.text ?? '', status: 'running' };
      this.byId.set(turnId, turn);
      this.ordered.push(turn);
      return;
    }
    if (!turn) return;
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
