import { AttemptFence } from '@litesession/chat-protocol';
import { type ChatEvent, LiteSessionClient } from '@litesession/client';
import type { SessionRecord } from './session-driver';

/** The drill's verdict on one session: what its client got, against the session's log. */
export interface SessionAudit {
  turns: number;
  events: number;
  lost: number;
  duplicated: number;
  reordered: number;
  stuckTurns: number;
  /** Completed turns whose tokens since the last (re)start do not add up to the completed text. */
  mismatchedTurns: number;
  /**
   * Turns the gateway acknowledged with `{ ok: true }` that the log does not hold with an ending: absent
   * (the send was acknowledged but never queued), or open (then also counted as stuck). Not counted for a
   * short read, which may just not reach them.
   */
  unqueued: number;
  /**
   * 1 when the read of the log (a resume from seq 0) ended below the highest seq the session's client had
   * got: the log holds more than a reader was given within 60 s, and the audit saw only part of it.
   */
  shortReads: number;
}

const QUIET_MS = 2_000;
const CATCH_UP_MS = 60_000;
/** A read that got nothing for this long while behind resumes on the next gateway (as a stalled user would). */
const STALL_MS = 10_000;

/**
 * Reads a session's whole log through a fresh client (from seq 0), on the same stored session: at least up
 * to the highest seq the session's own client got (the log holds it; a stalled read must not look like a
 * shorter log, so a stalled one resumes), then until it has been quiet for a moment; 60 s at most. A read
 * that still ends below that seq is reported by the audit as short.
 */
export async function readLog(
  record: SessionRecord,
  urls: string[],
  token: () => Promise<string>,
): Promise<ChatEvent[]> {
  const reader = new LiteSessionClient({ urls, storage: record.storage, replayHistory: true, token });
  const events: ChatEvent[] = [];
  // Read each time: the log may still grow during the read (a late redelivery's marker), and what the
  // session's own client gets meanwhile is owed too, or the audit would see a read shorter than the log.
  const owed = () => Math.max(-1, ...record.received.map((event) => event.seq));
  let last = Date.now();
  reader.on('event', (event) => {
    events.push(event);
    last = Date.now();
  });
  // Not awaited: a reader that cannot connect must not hold the drill; the deadline ends it.
  reader.connect().catch(() => undefined);
  const deadline = Date.now() + CATCH_UP_MS;
  const behind = () => (events.at(-1)?.seq ?? -1) < owed();
  while (Date.now() < deadline && (behind() || Date.now() - last < QUIET_MS)) {
    if (behind() && Date.now() - last > STALL_MS) {
      reader.dropConnection();
      last = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  reader.close();
  return events;
}

/**
 * Compares what a session's client delivered with its log, and the turns its `chat.send`s were
 * acknowledged with (`acked`) with the turns the log holds.
 */
export function auditSession(
  received: readonly ChatEvent[],
  log: readonly ChatEvent[],
  acked: readonly string[] = [],
): SessionAudit {
  const seen = new Map<number, number>();
  let reordered = 0;
  let previous = -1;
  for (const event of received) {
    seen.set(event.seq, (seen.get(event.seq) ?? 0) + 1);
    if (event.seq < previous) reordered += 1;
    previous = Math.max(previous, event.seq);
  }
  const lost = log.filter((event) => !seen.has(event.seq)).length;
  const duplicated = [...seen.values()].reduce((sum, count) => sum + (count - 1), 0);
  const turns = turnsOf(log);
  const ended = new Set(turns.filter((t) => t.ended).map((t) => t.turnId));
  const short = isShort(received, log);
  return {
    turns: turns.length,
    events: log.length,
    lost,
    duplicated,
    reordered,
    stuckTurns: turns.filter((t) => !t.ended).length,
    mismatchedTurns: turns.filter(isMismatched).length,
    unqueued: short ? 0 : acked.filter((turnId) => !ended.has(turnId)).length,
    shortReads: short ? 1 : 0,
  };
}

interface TurnSummary {
  turnId: string;
  ended: boolean;
  /** Token texts since the last `turn.started` or `turn.restarted`. */
  tokens: string;
  completedText: string | undefined;
  /** What the last `turn.completed` had to equal, and the tokens at that moment (see turnsOf). */
  expectedText: string | undefined;
  tokensAtEnding: string;
  /** Set by a `turn.restarted` after an ending: the ended generation's tokens, until a new one starts. */
  rewriteOf: string | undefined;
  /**
   * The turn's events as `type@seq`, runs of tokens folded (`token@5..17×13`), those of a superseded
   * attempt marked `stale-`, for the details.
   */
  shape: string[];
}

function lastSeq(events: readonly ChatEvent[]): number {
  return Math.max(-1, ...events.map((event) => event.seq));
}

function isShort(received: readonly ChatEvent[], log: readonly ChatEvent[]): boolean {
  return lastSeq(log) < lastSeq(received);
}

function isMismatched(turn: TurnSummary): boolean {
  return (
    turn.completedText !== undefined &&
    (turn.completedText !== turn.expectedText || turn.tokens !== turn.tokensAtEnding)
  );
}

/**
 * What the audit counted against one session, turn by turn (lost events, stuck, mismatched and
 * unqueued turns), at most `max` lines: for the drill's log, so that a count can be traced to the log
 * without running the drill again.
 */
export function auditDetails(
  received: readonly ChatEvent[],
  log: readonly ChatEvent[],
  acked: readonly string[] = [],
  max = 5,
): string[] {
  const seen = new Set(received.map((event) => event.seq));
  const lost = log.filter((event) => !seen.has(event.seq)).map((event) => `${event.type}@${event.seq}`);
  const lines = lost.length > 0 ? [`the client never got ${lost.join(' ')}`] : [];
  if (isShort(received, log))
    lines.push(`the log read ended at seq ${lastSeq(log)}, but the client had got seq ${lastSeq(received)}`);
  const turns = turnsOf(log);
  const byId = new Map(turns.map((t) => [t.turnId, t]));
  for (const turn of turns) {
    if (!turn.ended) lines.push(`turn ${turn.turnId} has no ending: ${turn.shape.join(' ')}`);
    else if (isMismatched(turn))
      lines.push(
        `turn ${turn.turnId} completed with ${turn.completedText?.length} chars, its tokens make ` +
          `${turn.expectedText?.length}: ${turn.shape.join(' ')}`,
      );
  }
  for (const turnId of acked)
    if (!byId.has(turnId)) lines.push(`turn ${turnId} was acknowledged but is not in the log (as read)`);
  return lines.length > max ? [...lines.slice(0, max), `… and ${lines.length - max} more`] : lines;
}

/**
 * Folds a log into turns by the rules of docs/protocol.md. A completed reply must equal the tokens since
 * the turn's last (re)start, counting only the events the attempt fence admits (a superseded attempt's
 * late events are no part of the reply; the rule is chat-protocol's `AttemptFence`, as in the client).
 * One exception: a scheduler that died after writing the ending, but before acknowledging the request,
 * leaves `turn.restarted` after the ending, and the next one writes the ending again right after it; that
 * ending repeats the generation that had ended.
 */
function turnsOf(log: readonly ChatEvent[]): TurnSummary[] {
  const turns = new Map<string, TurnSummary>();
  const fence = new AttemptFence();
  for (const event of log) {
    if (event.turnId === undefined) continue;
    let turn = turns.get(event.turnId);
    if (!turn) {
      turn = {
        turnId: event.turnId,
        ended: false,
        tokens: '',
        completedText: undefined,
        expectedText: undefined,
        tokensAtEnding: '',
        rewriteOf: undefined,
        shape: [],
      };
      turns.set(event.turnId, turn);
    }
    const admitted = fence.admits(event);
    addToShape(turn.shape, admitted ? event.type : `stale-${event.type}`, event.seq);
    if (!admitted) continue;
    if (event.type === 'turn.restarted') {
      // Several restarts in a row after an ending still precede its rewrite.
      if (turn.ended) turn.rewriteOf = turn.expectedText ?? turn.tokens;
      turn.tokens = '';
      turn.ended = false;
    } else if (event.type === 'turn.started') {
      turn.tokens = '';
      turn.ended = false;
      turn.rewriteOf = undefined;
    } else if (event.type === 'token') {
      turn.tokens += event.text ?? '';
      turn.rewriteOf = undefined;
    } else if (event.type === 'turn.completed') {
      turn.ended = true;
      turn.completedText = event.text ?? '';
      turn.expectedText = turn.rewriteOf ?? turn.tokens;
      turn.tokensAtEnding = turn.tokens;
    } else if (event.type === 'turn.failed' || event.type === 'turn.cancelled') {
      // The last ending counts: a reply completed before a restart is no longer the turn's reply.
      turn.ended = true;
      turn.completedText = undefined;
      turn.expectedText = turn.rewriteOf ?? turn.tokens;
    }
  }
  return [...turns.values()];
}

function addToShape(shape: string[], label: string, seq: number): void {
  const run = /^(.*token)@(\d+)(?:\.\.\d+×(\d+))?$/.exec(shape.at(-1) ?? '');
  if (label.endsWith('token') && run && run[1] === label) {
    shape[shape.length - 1] = `${label}@${run[2]}..${seq}×${Number(run[3] ?? 1) + 1}`;
  } else {
    shape.push(`${label}@${seq}`);
  }
}
