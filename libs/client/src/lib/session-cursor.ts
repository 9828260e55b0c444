import { EventSequencer, type SequenceVerdict } from './event-sequencer';
import type { SessionStore } from './session-store';
import type { HandshakeAuth } from './types';

/**
 * Where this client stands in its session: the id and resume token it resumes with, and the seq of the
 * last event given to the app; kept in the store so that a page load resumes where the last one stopped.
 */
export class SessionCursor {
  private session: { sessionId: string; resumeToken: string } | undefined;
  private readonly sequencer: EventSequencer;

  /** With `replayHistory`, a resume starts from seq 0 (the whole log again) instead of the stored lastSeq. */
  constructor(
    private readonly store: SessionStore,
    replayHistory: boolean,
  ) {
    const stored = store.load();
    if (stored) this.session = { sessionId: stored.sessionId, resumeToken: stored.resumeToken };
    this.sequencer = new EventSequencer(replayHistory ? undefined : stored?.lastSeq);
  }

  get sessionId(): string | undefined {
    return this.session?.sessionId;
  }

  get lastSeq(): number | undefined {
    return this.sequencer.lastSeq;
  }

  /** The handshake: the credential, plus the session to resume and from where (none for a new one). */
  handshake(token: string | undefined): HandshakeAuth {
    const auth: HandshakeAuth = token === undefined ? {} : { token };
    if (!this.session) return auth;
    auth.sessionId = this.session.sessionId;
    auth.resumeToken = this.session.resumeToken;
    if (this.sequencer.lastSeq !== undefined) auth.lastSeq = this.sequencer.lastSeq;
    return auth;
  }

  /** The gateway's `session` event; true when it is another session than the one asked for (a new one). */
  adopt(sessionId: string, resumeToken: string): boolean {
    const isNew = sessionId !== this.session?.sessionId;
    if (isNew) this.sequencer.reset();
    this.session = { sessionId, resumeToken };
    this.persist();
    return isNew;
  }

  /** A fresh resume token for the same session. */
  renew(resumeToken: string): void {
    if (!this.session) return;
    this.session = { sessionId: this.session.sessionId, resumeToken };
    this.persist();
  }

  /** Judges an event's seq (docs/protocol.md, "Resume"); call `delivered()` once the app has it. */
  accept(seq: number): SequenceVerdict {
    return this.sequencer.accept(seq);
  }

  /** Only now is lastSeq stored: it never runs ahead of what the app was given. */
  delivered(): void {
    this.persist();
  }

  forget(): void {
    this.store.clear();
    this.session = undefined;
    this.sequencer.reset();
  }

  private persist(): void {
    if (this.session) this.store.save({ ...this.session, lastSeq: this.sequencer.lastSeq });
  }
}
