import type { KeyValueStorage } from './types';

/** What is kept between connections and page loads to resume a session. */
export interface StoredSession {
  sessionId: string;
  resumeToken: string;
  /** The seq of the last event delivered to the app; absent before the first. */
  lastSeq?: number;
}

const SESSION_ID = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_RESUME_TOKEN_CHARS = 128;

/** The storage used when none is given: `globalThis.localStorage` when usable, else memory. */
export function defaultStorage(): KeyValueStorage {
  try {
    // Reading localStorage throws in some sandboxed frames and with storage disabled.
    const storage = (globalThis as { localStorage?: KeyValueStorage }).localStorage;
    if (storage && typeof storage.getItem === 'function') return storage;
  } catch {
    // fall through to memory
  }
  return new MemoryStorage();
}

/** A `KeyValueStorage` in memory (for Node, and when `localStorage` is unavailable). */
export class MemoryStorage implements KeyValueStorage {
  private readonly items = new Map<string, string>();

  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }

  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }

  removeItem(key: string): void {
    this.items.delete(key);
  }
}

/**
 * Reads and writes the session under one key, as JSON. Storage failures (quota, privacy modes) are
 * swallowed: the client then works for the life of the page without persistence. A stored value the
 * gateway would refuse as a handshake is treated as absent.
 */
export class SessionStore {
  constructor(
    private readonly storage: KeyValueStorage,
    private readonly key: string,
  ) {}

  load(): StoredSession | undefined {
    try {
      const raw = this.storage.getItem(this.key);
      return raw === null ? undefined : parseStoredSession(JSON.parse(raw));
    } catch {
      return undefined;
    }
  }

  save(session: StoredSession): void {
    const value: StoredSession = { sessionId: session.sessionId, resumeToken: session.resumeToken };
    if (session.lastSeq !== undefined) value.lastSeq = session.lastSeq;
    try {
      this.storage.setItem(this.key, JSON.stringify(value));
    } catch {
      // see class comment
    }
  }

  clear(): void {
    try {
      this.storage.removeItem(this.key);
    } catch {
      // see class comment
    }
  }
}

function parseStoredSession(value: unknown): StoredSession | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { sessionId, resumeToken, lastSeq } = value as Record<string, unknown>;
  if (typeof sessionId !== 'string' || !SESSION_ID.test(sessionId)) return undefined;
  if (typeof resumeToken !== 'string' || resumeToken.length === 0) return undefined;
  if (resumeToken.length > MAX_RESUME_TOKEN_CHARS) return undefined;
  const session: StoredSession = { sessionId, resumeToken };
  if (lastSeq === undefined) return session;
  if (typeof lastSeq !== 'number' || !Number.isInteger(lastSeq) || lastSeq < -1) return undefined;
  if (lastSeq >= 0) session.lastSeq = lastSeq;
  return session;
}
