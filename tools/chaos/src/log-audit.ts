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
}

const QUIET_MS = 2_000;
const CATCH_UP_MS = 60_000;

/**
 * Reads a session's whole log through a fresh client (from seq 0), on the same stored session: at least up
 * to the highest seq the session's own client got (the log holds it; a stalled read must not look like a
 * shorter log), then until it has been quiet for a moment.
 */
export async function readLog(record: SessionRecord, urls: string[]): Promise<ChatEvent[]> {
  const reader = new LiteSessionClient({ urls, storage: record.storage, replayHistory: true });
  const events: ChatEvent[] = [];
  const owed = Math.max(-1, ...record.received.map((event) => event.seq));
  let last = Date.now();
  reader.on('event', (event) => {
    events.push(event);
    last = Date.now();
  });
  await reader.connect();
  const deadline = Date.now() + CATCH_UP_MS;
  const caughtUp = () => (events.at(-1)?.seq ?? -1) >= owed || Date.now() > deadline;
  while (!caughtUp() || Date.now() - last < QUIET_MS) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  reader.close();
  return events;
}

export function auditSession(received: readonly ChatEvent[], log: readonly ChatEvent[]): SessionAudit {
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
  return {
    turns: turns.length,
    events: log.length,
    lost,
    duplicated,
    reordered,
    stuckTurns: turns.filter((t) => !t.ended).length,
    mismatchedTurns: turns.filter((t) => t.completedText !== undefined && t.completedText !== t.tokens)
      .length,
  };
}

interface TurnSummary {
  ended: boolean;
  tokens: string;
  completedText: string | undefined;
}

function turnsOf(log: readonly ChatEvent[]): TurnSummary[] {
  const turns = new Map<string, TurnSummary>();
  for (const event of log) {
    if (event.turnId === undefined) continue;
    let turn = turns.get(event.turnId);
    if (!turn) {
      turn = { ended: false, tokens: '', completedText: undefined };
      turns.set(event.turnId, turn);
    }
    if (event.type === 'turn.started' || event.type === 'turn.restarted') {
      turn.tokens = '';
      turn.ended = false;
    } else if (event.type === 'token') {
      turn.tokens += event.text ?? '';
    } else if (event.type === 'turn.completed') {
      turn.ended = true;
      turn.completedText = event.text ?? '';
    } else if (event.type === 'turn.failed' || event.type === 'turn.cancelled') {
      turn.ended = true;
    }
  }
  return [...turns.values()];
}
