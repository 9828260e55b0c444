import { Injectable } from '@nestjs/common';
import { attemptOf, endsTurn, type LedgerEvent, TurnEvent } from '@litesession/chat-protocol';

/** Ended turns a socket remembers, to answer a repeated `clientMessageId` without sending it again. */
export const REMEMBERED_ENDED_TURNS = 32;

interface OpenTurn {
  /** Queued by this socket; the log shows no `user.message` of it yet. */
  queued: boolean;
  /** Events of the turn relayed since it was queued (RequestResender compares two counts). */
  events: number;
  /** The writer whose events count (AttemptFence's rule: the first seen, until a `turn.restarted`). */
  attempt?: string;
}

/**
 * What one socket knows about its session's turns, in memory that does not grow with the session's
 * history: the turns still open (queued by this socket, or seen running in the events relayed since the
 * subscription's start) and the last REMEMBERED_ENDED_TURNS ended ones. The subscription starts at the
 * client's `lastSeq` (the event the client has last, not relayed again), so a turn running at the resume
 * is known from that event on. It answers `turn_in_progress`, repeated `clientMessageId`s and
 * `unknown_turn` without asking anyone; a repeat of a turn it forgot is sent, and the scheduler finds it
 * in the session's record and runs it once.
 */
export class SessionTurns {
  private readonly open = new Map<string, OpenTurn>();
  /** Insertion order is end order: the first entry is the oldest, dropped past the limit. */
  private readonly ended = new Set<string>();
  private onOwed: (() => void) | undefined;

  /**
   * `onOwed` runs whenever the log owes this socket more events: when it queues a turn, after every event
   * observed while a turn is open, and at once if one is open already (a client may send before its
   * subscription is open). The subscription is told so, and recovers itself if they do not come: an open
   * turn always ends in the log, so its silence is a stall even when nobody knows the log's last seq (seen
   * in the chaos drill: a broker poll of the node that gave the session up took the tail of a turn).
   */
  whenEventsOwed(onOwed: () => void): void {
    this.onOwed = onOwed;
    if (this.open.size > 0) onOwed();
  }

  observe(event: LedgerEvent): void {
    this.fold(event);
    if (this.open.size > 0) this.onOwed?.();
  }

  queuedTurn(turnId: string): void {
    this.ended.delete(turnId);
    this.open.set(turnId, { queued: true, events: 0 });
    this.onOwed?.();
  }

  /**
   * How far a turn this socket queued has got: 'ended' once the log ends it, else a count that grows with
   * every event of it the log shows (0 while it shows none). RequestResender compares two of them.
   */
  progressOf(turnId: string): number | 'ended' {
    if (this.ended.has(turnId)) return 'ended';
    return this.open.get(turnId)?.events ?? 0;
  }

  /** Stops following a queued turn; one the log does not show is forgotten, so another may be queued. */
  release(turnId: string): void {
    if (this.open.get(turnId)?.queued) this.open.delete(turnId);
  }

  /** The socket has seen the turn (running or recently ended), or queued it. */
  knows(turnId: string): boolean {
    return this.open.has(turnId) || this.ended.has(turnId);
  }

  /** A turn that is queued or running, if any. */
  busyWith(): string | undefined {
    const [first] = this.open.keys();
    return first;
  }

  isRunning(turnId: string): boolean {
    return this.open.has(turnId);
  }

  private fold(event: LedgerEvent): void {
    const { turnId } = event;
    if (turnId === undefined || this.ended.has(turnId)) return; // an ended turn stays ended
    let turn = this.open.get(turnId);
    if (!turn) {
      // A user.message alone opens nothing: a redelivered request of an ended turn writes one (its
      // marker) and nothing after it. A scheduler that runs a turn writes turn.started first.
      if (event.type === TurnEvent.UserMessage) return;
      turn = { queued: false, events: 0 };
      this.open.set(turnId, turn);
    }
    if (!this.admits(turn, event)) return;
    turn.events += 1;
    if (event.type === TurnEvent.UserMessage) turn.queued = false;
    if (endsTurn(event.type)) this.end(turnId);
  }

  /** Whether the event's writer is the one that counts for the turn (see AttemptFence). */
  private admits(turn: OpenTurn, event: LedgerEvent): boolean {
    const attempt = attemptOf(event);
    // A repeated user.message carries the repeat's own attempt: it is not the writer's.
    if (attempt === undefined || event.type === TurnEvent.UserMessage) return true;
    if (event.type === TurnEvent.TurnRestarted || turn.attempt === undefined) {
      turn.attempt = attempt;
      return true;
    }
    return attempt === turn.attempt;
  }

  private end(turnId: string): void {
    this.open.delete(turnId);
    this.ended.add(turnId);
    if (this.ended.size > REMEMBERED_ENDED_TURNS) {
      const [oldest] = this.ended;
      if (oldest !== undefined) this.ended.delete(oldest);
    }
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
