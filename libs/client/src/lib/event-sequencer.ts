/** What to do with an incoming event. */
export type SequenceVerdict = 'deliver' | 'duplicate' | 'gap';

/**
 * Keeps a session's events exactly-once and in order: `seq` must be `lastSeq + 1` (0 for the first).
 * Anything at or below `lastSeq` was delivered already; anything further ahead means events were lost
 * on the way, and the connection must resume from `lastSeq` (the server replays).
 */
export class EventSequencer {
  constructor(private last: number | undefined = undefined) {}

  /** The seq of the last delivered event, or undefined before the first. */
  get lastSeq(): number | undefined {
    return this.last;
  }

  /** Judges `seq`; on `deliver` it becomes the new `lastSeq`. */
  accept(seq: number): SequenceVerdict {
    const expected = (this.last ?? -1) + 1;
    if (seq < expected) return 'duplicate';
    if (seq > expected) return 'gap';
    this.last = seq;
    return 'deliver';
  }

  /** Forgets everything (a new session starts at seq 0). */
  reset(lastSeq: number | undefined = undefined): void {
    this.last = lastSeq;
  }
}
