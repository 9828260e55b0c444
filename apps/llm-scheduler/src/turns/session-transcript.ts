import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { TurnLedger, type TurnRecord } from '@litesession/chat-protocol';
import { type SessionEvent, SessionChannels } from '@litesession/rocketmq';
import { TURN_SETTINGS, type TurnSettings } from '../config/scheduler.tokens';
import { SessionLogReader } from './session-log-reader';

/** Injection token of the session channels on `chat-transcript` (see CHAT_TRANSCRIPT_TOPIC). */
export const TRANSCRIPT_CHANNELS = Symbol('TRANSCRIPT_CHANNELS');

/** An ended turn, as its scheduler records it. */
const ENTRY = 'transcript.turn';
/** A turn that started (or restarted): its number, user text and marker, written once it runs. */
const OPEN = 'transcript.open';
/** A reader's marker: every entry written before it has arrived once it arrives. */
const READ_MARKER = 'transcript.read';

/** One ended turn of a session, and where its marker is in the session's log. */
export interface TranscriptEntry {
  turn: TurnRecord;
  /** The seq of the turn's `user.message` marker in the session's log (the run that ended it). */
  markerSeq: number;
}

/** A running turn as the transcript knows it: where its marker is, and what the user asked. */
export interface OpenTurnEntry {
  turnId: string;
  number: number;
  userText: string;
  /** The seq of the marker of the run that started (or restarted) it. */
  markerSeq: number;
}

/** Where a scheduler new to a session starts: the turns the transcript holds, and the log seq to read on from. */
export interface TranscriptStart {
  ledger: TurnLedger;
  nextSeq: number;
  /**
   * The turn right after the ended ones (number ledger.turns().length + 1), if the transcript says it
   * started and has no ending for it: a takeover of it need not read its events (TurnLogFold).
   */
  open?: OpenTurnEntry;
}

/**
 * A session's transcript (`chat-transcript/{sessionId}`): one entry per ended turn with its user text,
 * reply and ending, written by the scheduler that ended it. A scheduler that has not read the session
 * before reads it (O(turns)) instead of every event of the log (O(events)), then the log from the marker
 * of the last turn the transcript holds without a hole: a turn whose entry is missing (its scheduler died
 * between the ending and the entry) and every later one are folded from the log instead.
 */
@Injectable()
export class SessionTranscript {
  private readonly logger = new Logger(SessionTranscript.name);
  private readonly reader: SessionLogReader;

  constructor(
    @Inject(TRANSCRIPT_CHANNELS) private readonly channels: SessionChannels,
    @Inject(TURN_SETTINGS) private readonly settings: TurnSettings,
  ) {
    this.reader = new SessionLogReader(channels);
  }

  async record(sessionId: string, entry: TranscriptEntry): Promise<void> {
    const { turn, markerSeq } = entry;
    await this.channels.publish(sessionId, {
      type: ENTRY,
      turnId: turn.turnId,
      text: turn.userText,
      data: {
        number: turn.number,
        status: turn.status,
        markerSeq,
        ...(turn.reply === undefined ? {} : { reply: turn.reply }),
        ...(turn.ending === undefined ? {} : { ending: turn.ending }),
      },
    });
  }

  /** Records that a turn runs, so that a takeover finds its marker without reading the turn's events. */
  async recordOpen(sessionId: string, open: OpenTurnEntry): Promise<void> {
    await this.channels.publish(sessionId, {
      type: OPEN,
      turnId: open.turnId,
      text: open.userText,
      data: { number: open.number, markerSeq: open.markerSeq },
    });
  }

  async read(sessionId: string, signal: AbortSignal): Promise<TranscriptStart> {
    const readId = randomUUID();
    const follower = await this.reader.follow(sessionId);
    try {
      await this.channels.publish(sessionId, { type: READ_MARKER, data: { read: readId } });
      const markerAt = await follower.until(
        (event) => event.type === READ_MARKER && event.data?.['read'] === readId,
        this.settings.historyTimeoutMs,
        0,
        signal,
      );
      const events = follower.events.slice(0, markerAt);
      return startFrom(entriesOf(events, this.logger), openEntriesOf(events));
    } finally {
      void follower.close().catch(() => undefined);
    }
  }
}

/** The entries among a transcript's events, each turn once (the first entry of it), in turn order. */
function entriesOf(events: readonly SessionEvent[], logger: Logger): TranscriptEntry[] {
  const byTurn = new Map<string, TranscriptEntry>();
  for (const event of events) {
    if (event.type !== ENTRY || event.turnId === undefined || byTurn.has(event.turnId)) continue;
    const entry = toEntry(event);
    if (entry) byTurn.set(event.turnId, entry);
    else
      logger.warn({
        msg: `Session ${event.sessionId}: transcript entry at seq ${event.seq} is malformed; skipped`,
        sessionId: event.sessionId,
      });
  }
  return [...byTurn.values()].sort((a, b) => a.turn.number - b.turn.number);
}

/** The latest open entry of each turn (a restarted turn has several). */
function openEntriesOf(events: readonly SessionEvent[]): OpenTurnEntry[] {
  const byTurn = new Map<string, OpenTurnEntry>();
  for (const event of events) {
    const { number, markerSeq } = (event.data ?? {}) as Record<string, unknown>;
    if (
      event.type !== OPEN ||
      event.turnId === undefined ||
      typeof event.text !== 'string' ||
      !Number.isSafeInteger(number) ||
      !Number.isSafeInteger(markerSeq)
    )
      continue;
    const open = { turnId: event.turnId, number: number as number, userText: event.text };
    byTurn.set(event.turnId, { ...open, markerSeq: markerSeq as number });
  }
  return [...byTurn.values()];
}

/**
 * The entries numbered 1, 2, … without a hole, the log seq after which the log must still be read, and
 * the turn after them if it is open (started, with no ending recorded).
 */
export function startFrom(
  entries: readonly TranscriptEntry[],
  opens: readonly OpenTurnEntry[] = [],
): TranscriptStart {
  const prefix: TranscriptEntry[] = [];
  for (const entry of entries) {
    if (entry.turn.number !== prefix.length + 1) break;
    prefix.push(entry);
  }
  const last = prefix.at(-1);
  const ended = new Set(entries.map((entry) => entry.turn.turnId));
  const open = opens.find((entry) => entry.number === prefix.length + 1 && !ended.has(entry.turnId));
  return {
    ledger: TurnLedger.of(prefix.map((entry) => entry.turn)),
    // From the last turn's marker: that turn's own events are folded again (the ledger keeps it ended),
    // and every turn after it comes from the log.
    nextSeq: last === undefined ? 0 : last.markerSeq,
    ...(open === undefined ? {} : { open }),
  };
}

function toEntry(event: SessionEvent): TranscriptEntry | undefined {
  const data = event.data ?? {};
  const { number, status, markerSeq, reply, ending } = data as Record<string, unknown>;
  if (
    event.turnId === undefined ||
    typeof event.text !== 'string' ||
    !Number.isSafeInteger(number) ||
    !Number.isSafeInteger(markerSeq) ||
    (status !== 'completed' && status !== 'failed' && status !== 'cancelled') ||
    (reply !== undefined && typeof reply !== 'string') ||
    (ending !== undefined && !isEnding(ending))
  ) {
    return undefined;
  }
  const turn: TurnRecord = { turnId: event.turnId, number: number as number, userText: event.text, status };
  if (typeof reply === 'string') turn.reply = reply;
  if (ending !== undefined) turn.ending = ending as NonNullable<TurnRecord['ending']>;
  return { turn, markerSeq: markerSeq as number };
}

function isEnding(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const { type, text } = value as Record<string, unknown>;
  return typeof type === 'string' && (text === undefined || typeof text === 'string');
}
