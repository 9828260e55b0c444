import { Injectable } from '@nestjs/common';
import { type LedgerEvent, TurnEvent, TurnLedger } from '@litesession/chat-protocol';

/**
 * What one socket knows about its session's turns: the log as relayed so far (read from seq 0, so it holds
 * the turns before the client's lastSeq too) plus the turns this socket queued that the log does not show
 * yet. It answers `turn_in_progress`, repeated `clientMessageId`s and `unknown_turn` without asking anyone.
 */
export class SessionTurns {
  private readonly ledger = new TurnLedger();
  private readonly queued = new Set<string>();

  observe(event: LedgerEvent): void {
    this.ledger.observe(event);
    if (event.type === TurnEvent.UserMessage && event.turnId !== undefined) this.queued.delete(event.turnId);
  }

  queuedTurn(turnId: string): void {
    this.queued.add(turnId);
  }

  /** The log shows the turn, or this socket queued it. */
  knows(turnId: string): boolean {
    return this.queued.has(turnId) || this.ledger.get(turnId) !== undefined;
  }

  /** A turn that is queued or running, if any. */
  busyWith(): string | undefined {
    const [queued] = this.queued;
    return queued ?? this.ledger.running()?.turnId;
  }

  isRunning(turnId: string): boolean {
    return this.queued.has(turnId) || this.ledger.get(turnId)?.status === 'running';
  }
}

/** SessionTurns per socket, shared by the connection and chat handlers. */
@Injectable()
export class SessionTurnsRegistry {
  private readonly bySocket = new WeakMap<object, SessionTurns>();

  of(socket: object): SessionTurns {
    let turns = this.bySocket.get(socket);
    if (!turns) {
      turns = new SessionTurns();
      this.bySocket.set(socket, turns);
    }
    return turns;
  }
}
