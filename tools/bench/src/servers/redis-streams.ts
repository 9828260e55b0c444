// What the Redis baseline's gateway side (redis-source.ts) and generator (redis-generator.ts) share: the
// layout of the streams, the shape of a read reply, and how their connections wait and give up.

/** Where the gateways ask for turns; the generator reads it with a consumer group. */
export const REQUESTS_STREAM = 'bench:requests';

/** Session `sessionId`'s events, one entry per event. */
export function sessionStreamKey(sessionId: string): string {
  return `bench:s:${sessionId}`;
}

/** Event `seq` is entry `0-{seq+1}`: explicit IDs make resume a plain XREAD (`0-0` is not a valid ID). */
export function entryIdForSeq(seq: number): string {
  return `0-${seq + 1}`;
}

/** The field of an entry that holds the event's JSON. */
export const EVENT_FIELD = 'e';

/** What XREAD and XREADGROUP answer: per stream, its entries; null when nothing came. */
export type StreamsReply = Array<[key: string, entries: Array<[id: string, fields: string[]]>]> | null;

/** Pause before a failed blocking read is tried again (on a new connection if need be). */
export const RETRY_PAUSE_MS = 500;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** How long QUIT may take before the connection is just dropped; unref'd, so it never holds the process. */
export const quitTimeout = () => new Promise<void>((resolve) => setTimeout(resolve, 1000).unref());
