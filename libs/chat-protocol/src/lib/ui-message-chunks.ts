import { AttemptFence, type FencedEvent } from './attempt-fence';
import { TurnEvent } from './turn-events';

/**
 * The chunks of the AI SDK's UI message stream protocol (`ai`'s `UIMessageChunk`, v7) that a LiteSession
 * turn becomes. Declared here, not imported, so that the wire contract stays free of dependencies; the
 * tests fold them with the real `ai` package.
 */
export type UiMessageChunk =
  | { type: 'start'; messageId: string }
  | { type: 'text-start'; id: string }
  | { type: 'text-delta'; id: string; delta: string }
  | { type: 'text-end'; id: string }
  | { type: 'finish'; finishReason: 'stop' }
  | { type: 'abort' }
  | { type: 'error'; errorText: string };

/** The fields of a log event the chunker reads (a `chat.event` payload has them). */
export interface ChunkedEvent extends FencedEvent {
  text?: string;
}

/**
 * Folds one turn's events, in log order, into UI message chunks: `start` (the assistant message's id is
 * the turn id), then one text part per attempt of the model (`text-start`, `text-delta`s, `text-end`),
 * then `finish` (completed), `abort` (cancelled) or `error` (failed). A `turn.restarted` ends the current
 * text part and opens a new one: the UI message stream cannot take text back, so the superseded attempt
 * stays as its own part and the new attempt's text follows it. Events of other turns and of superseded
 * attempts add nothing. After the ending it adds nothing more.
 */
export class TurnChunker {
  private readonly fence = new AttemptFence();
  private openPart: string | undefined;
  private parts = 0;
  private started = false;
  private ended = false;

  constructor(readonly turnId: string) {}

  /** The turn has ended (its last chunks were returned). */
  get done(): boolean {
    return this.ended;
  }

  /** The chunks that `event` adds. */
  push(event: ChunkedEvent): UiMessageChunk[] {
    if (this.ended || event.turnId !== this.turnId || !this.fence.admits(event)) return [];
    const chunks: UiMessageChunk[] = [];
    if (!this.started) {
      this.started = true;
      chunks.push({ type: 'start', messageId: this.turnId });
    }
    switch (event.type) {
      case TurnEvent.TurnRestarted:
        this.closePart(chunks);
        break;
      case TurnEvent.Token:
        if (event.text) chunks.push({ type: 'text-delta', id: this.partFor(chunks), delta: event.text });
        break;
      case TurnEvent.TurnCompleted:
        this.closePart(chunks);
        chunks.push({ type: 'finish', finishReason: 'stop' });
        this.ended = true;
        break;
      case TurnEvent.TurnCancelled:
        this.closePart(chunks);
        chunks.push({ type: 'abort' });
        this.ended = true;
        break;
      case TurnEvent.TurnFailed:
        this.closePart(chunks);
        chunks.push({ type: 'error', errorText: event.text ?? 'The turn failed' });
        this.ended = true;
        break;
      default:
        break; // user.message and turn.started add no content
    }
    return chunks;
  }

  private partFor(chunks: UiMessageChunk[]): string {
    if (this.openPart === undefined) {
      this.parts += 1;
      this.openPart = `${this.turnId}-${this.parts}`;
      chunks.push({ type: 'text-start', id: this.openPart });
    }
    return this.openPart;
  }

  private closePart(chunks: UiMessageChunk[]): void {
    if (this.openPart === undefined) return;
    chunks.push({ type: 'text-end', id: this.openPart });
    this.openPart = undefined;
  }
}
