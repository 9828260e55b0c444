import { LiteSessionError } from './errors';
import type { ConnectionState } from './types';

export interface ConnectionFields {
  status: ConnectionState['status'];
  node?: string;
  url?: string;
  attempt: number;
  broker?: ConnectionState['broker'];
}

/**
 * The connection's own fields, and the callers of connect() waiting for it; the session's id and lastSeq
 * are added by whoever knows them.
 */
export class ConnectionStatus {
  private fields: ConnectionFields = { status: 'idle', attempt: 0 };
  private waiters: Array<{ resolve: (state: ConnectionState) => void; reject: (error: Error) => void }> = [];

  get status(): ConnectionState['status'] {
    return this.fields.status;
  }

  get attempt(): number {
    return this.fields.attempt;
  }

  /** Applies `patch`; true when a field changed (then the client tells its listeners). */
  patch(patch: Partial<ConnectionFields>): boolean {
    const next = { ...this.fields, ...patch };
    const changed = (Object.keys(next) as Array<keyof ConnectionFields>).some(
      (k) => next[k] !== this.fields[k],
    );
    this.fields = next;
    return changed;
  }

  snapshot(session: { sessionId?: string; lastSeq?: number }): ConnectionState {
    const state: ConnectionState = { status: this.fields.status, attempt: this.fields.attempt };
    if (session.sessionId !== undefined) state.sessionId = session.sessionId;
    if (this.fields.node !== undefined) state.node = this.fields.node;
    if (this.fields.url !== undefined) state.url = this.fields.url;
    if (this.fields.broker !== undefined) state.broker = this.fields.broker;
    if (session.lastSeq !== undefined) state.lastSeq = session.lastSeq;
    return state;
  }

  /** Settles with the next `connected(…)` or `failed(…)`. */
  waitUntilConnected(): Promise<ConnectionState> {
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  connected(state: ConnectionState): void {
    this.waiters.splice(0).forEach((waiter) => waiter.resolve(state));
  }

  failed(error: Error): void {
    this.waiters.splice(0).forEach((waiter) => waiter.reject(error));
  }

  /** @throws LiteSessionError `closed` after close(), `disconnected` before the first connect(). */
  assertUsable(): void {
    if (this.fields.status === 'closed') throw new LiteSessionError('closed', 'The client is closed');
    if (this.fields.status === 'idle') throw new LiteSessionError('disconnected', 'Call connect() first');
  }
}
