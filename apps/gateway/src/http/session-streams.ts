import { Injectable } from '@nestjs/common';
import type { TurnRequester } from '../chat/turn-requests';
import type { SessionTurns } from '../session/session-turns';

/** One open SSE stream: the turns it follows, and whether it is still open. */
export interface OpenStream {
  readonly turns: SessionTurns;
  readonly connected: boolean;
}

/**
 * The SSE streams open on this node, by session. A POST to a session with a stream here is answered by
 * that stream's turns (turn_in_progress, repeats, unknown_turn), as a socket's `chat.send` is.
 */
@Injectable()
export class SessionStreams {
  private readonly bySession = new Map<string, Set<OpenStream>>();

  /** Registers a stream; returns the function that removes it. */
  add(sessionId: string, stream: OpenStream): () => void {
    let streams = this.bySession.get(sessionId);
    if (!streams) {
      streams = new Set();
      this.bySession.set(sessionId, streams);
    }
    streams.add(stream);
    return () => {
      streams.delete(stream);
      if (streams.size === 0 && this.bySession.get(sessionId) === streams) this.bySession.delete(sessionId);
    };
  }

  /** The requester for `sessionId`: with the turns of its oldest open stream here, if there is one. */
  requesterFor(sessionId: string): TurnRequester {
    for (const stream of this.bySession.get(sessionId) ?? []) {
      if (stream.connected) return { sessionId, reader: { turns: stream.turns, connection: stream } };
    }
    return { sessionId };
  }

  get size(): number {
    let count = 0;
    for (const streams of this.bySession.values()) count += streams.size;
    return count;
  }
}
