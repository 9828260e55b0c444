import { TurnLedger } from '@litesession/chat-protocol';

/** What a scheduler knows of a session's log: its turns folded up to (not including) `nextSeq`. */
export interface SessionContext {
  readonly ledger: TurnLedger;
  readonly nextSeq: number;
}

/**
 * The sessions this scheduler read lately, so that its next turn of one reads the log only from where the
 * last read stopped: a turn's context then costs the events since, not the whole log. Any scheduler may
 * run any session's next request, so a context is never taken as complete: the read from `nextSeq` up to
 * the new marker brings whatever other schedulers wrote meanwhile. Least recently used sessions are
 * dropped past `capacity`.
 */
export class SessionContexts {
  private readonly bySession = new Map<string, SessionContext>();

  constructor(private readonly capacity: number) {}

  /**
   * A copy to fold into (two turns of one session may read at once), or, for a session this scheduler
   * has not read (`known` false), an empty one from seq 0.
   */
  take(sessionId: string): { ledger: TurnLedger; nextSeq: number; known: boolean } {
    const known = this.bySession.get(sessionId);
    if (!known) return { ledger: new TurnLedger(), nextSeq: 0, known: false };
    this.bySession.delete(sessionId); // most recently used last
    this.bySession.set(sessionId, known);
    return { ledger: known.ledger.clone(), nextSeq: known.nextSeq, known: true };
  }

  /** Keeps `ledger` (folded up to `nextSeq`) unless a read that went further is kept already. */
  keep(sessionId: string, ledger: TurnLedger, nextSeq: number): void {
    if (this.capacity <= 0) return;
    const known = this.bySession.get(sessionId);
    if (known && known.nextSeq > nextSeq) return;
    this.bySession.delete(sessionId);
    this.bySession.set(sessionId, { ledger: ledger.clone(), nextSeq });
    while (this.bySession.size > this.capacity) {
      const [oldest] = this.bySession.keys();
      if (oldest === undefined) break;
      this.bySession.delete(oldest);
    }
  }

  knows(sessionId: string): boolean {
    return this.bySession.has(sessionId);
  }

  get size(): number {
    return this.bySession.size;
  }
}
