// Baseline (b)'s gateway side (docs performance.md §9.1, B1): every session is a Redis Stream, and one
// blocked XREAD per gateway process reads all of its open sessions at once.
import Redis from 'ioredis';
import type { BenchEvent, SessionSource } from './baseline-server';
import {
  EVENT_FIELD,
  quitTimeout,
  REQUESTS_STREAM,
  RETRY_PAUSE_MS,
  sessionStreamKey,
  sleep,
  type StreamsReply,
} from './redis-streams';
import { toMessage } from '@litesession/edge/errors';

const READ_COUNT = 1000;
const UNBLOCK_RETRY_MS = 1;

const log = (message: string) => console.error(`[redis-source] ${message}`);

/** One open() of a session: what it has been given so far. */
interface Subscription {
  deliver: (event: BenchEvent) => void;
  /** The number `n` of the last entry `0-n` it got (or of the one before its first wanted event). */
  after: number;
}

/** The XREAD Redis may be blocked in: the generation of the key list it was sent with. */
interface InFlightRead {
  generation: number;
  /** Settles (never rejects) when its reply or failure arrives. */
  settled: Promise<void>;
}

export class RedisSource implements SessionSource {
  /** Auto-pipelined: XADDs and CLIENT UNBLOCKs from many sockets share round trips. */
  private readonly commands: Redis;
  /** Only ever blocked in XREAD; replaced after a connection failure (its client id changes anyway). */
  private reader: Redis;
  private readerClientId: number | undefined;
  /** Open subscriptions by stream key: the XREAD's key list. */
  private readonly subscriptions = new Map<string, Set<Subscription>>();
  /** Bumped whenever the key list (or a key's start) changes. */
  private generation = 0;
  private read: InFlightRead | undefined;
  private unblocking = false;
  private wakeIdleLoop: (() => void) | undefined;
  private stopped = false;
  private readonly loop: Promise<void>;

  constructor(private readonly url: string) {
    this.commands = new Redis(url, { enableAutoPipelining: true });
    logConnectionErrors(this.commands, 'command connection');
    this.reader = this.connectReader();
    this.loop = this.readLoop();
  }

  /** Resolves once Redis answers, so that the gateway reports ready only when it can serve. */
  async ready(): Promise<void> {
    await this.commands.ping();
  }

  async open(sessionId: string, fromSeq: number, deliver: (event: BenchEvent) => void): Promise<() => void> {
    const key = sessionStreamKey(sessionId);
    // `0-{fromSeq}` is the entry just before event fromSeq: XREAD returns the entries after it.
    const subscription: Subscription = { deliver, after: fromSeq };
    let sameSession = this.subscriptions.get(key);
    if (!sameSession) this.subscriptions.set(key, (sameSession = new Set()));
    sameSession.add(subscription);
    this.sessionsChanged();
    return () => {
      if (!sameSession.delete(subscription) || sameSession.size > 0) return;
      this.subscriptions.delete(key);
      this.sessionsChanged();
    };
  }

  async startTurn(sessionId: string, turnId: string, text: string): Promise<void> {
    await this.commands.xadd(REQUESTS_STREAM, '*', 'sessionId', sessionId, 'turnId', turnId, 'text', text);
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.wakeIdleLoop?.();
    // A blocked XREAD would hold a QUIT behind it: drop the reader's connection instead.
    this.reader.disconnect();
    await this.loop;
    await Promise.race([this.commands.quit(), quitTimeout()]).catch(() => undefined);
    this.commands.disconnect();
  }

  private connectReader(): Redis {
    // No reconnects and no resends: a lost connection fails the XREAD in flight, and the loop starts over
    // with a new connection, whose CLIENT ID it needs before blocking.
    const reader = new Redis(this.url, { retryStrategy: () => null });
    logConnectionErrors(reader, 'reader connection');
    return reader;
  }

  private async readLoop(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.readOnce();
      } catch (error) {
        if (this.stopped) break;
        log(`read failed (${toMessage(error)}); reconnecting in ${RETRY_PAUSE_MS} ms`);
        this.reader.disconnect();
        this.readerClientId = undefined;
        await sleep(RETRY_PAUSE_MS);
        if (!this.stopped) this.reader = this.connectReader();
      }
    }
  }

  /** One XREAD over every open session, from where each one is; delivers what it returns. */
  private async readOnce(): Promise<void> {
    this.readerClientId ??= await this.reader.client('ID');
    if (this.stopped) return;
    if (this.subscriptions.size === 0) {
      await new Promise<void>((resolve) => (this.wakeIdleLoop = resolve));
      this.wakeIdleLoop = undefined;
      return;
    }
    const sessions = [...this.subscriptions];
    const keys = sessions.map(([key]) => key);
    const startIds = sessions.map(([, sameSession]) => startIdOf(sameSession));
    const reply = this.reader.xread('COUNT', READ_COUNT, 'BLOCK', 0, 'STREAMS', ...keys, ...startIds);
    const read: InFlightRead = { generation: this.generation, settled: reply.then(noop, noop) };
    this.read = read;
    // Registered first, so whoever awaits `settled` finds it cleared.
    void read.settled.then(() => {
      if (this.read === read) this.read = undefined;
    });
    for (const [key, entries] of ((await reply) as StreamsReply) ?? []) this.deliver(key, entries);
  }

  private deliver(key: string, entries: Array<[id: string, fields: string[]]>): void {
    const sameSession = this.subscriptions.get(key);
    if (!sameSession) return;
    for (const [id, fields] of entries) {
      const number = Number(id.slice(id.indexOf('-') + 1));
      const json = fields[fields.indexOf(EVENT_FIELD) + 1];
      if (json === undefined) {
        log(`entry ${id} of ${key} has no field ${EVENT_FIELD}; skipped`);
        continue;
      }
      let event: BenchEvent | undefined;
      for (const subscription of sameSession) {
        if (number <= subscription.after) continue;
        event ??= JSON.parse(json) as BenchEvent;
        subscription.after = number;
        try {
          subscription.deliver(event);
        } catch (error) {
          log(`delivering ${id} of ${key} failed: ${toMessage(error)}`);
        }
      }
    }
  }

  /** The XREAD in flight lists the wrong sessions: unblock it, and the loop reads again with the new list. */
  private sessionsChanged(): void {
    this.generation++;
    this.wakeIdleLoop?.();
    void this.unblockStaleRead();
  }

  private async unblockStaleRead(): Promise<void> {
    if (this.unblocking) return; // the running one sees the new generation
    this.unblocking = true;
    try {
      for (let read = this.read; read && read.generation < this.generation; read = this.read) {
        const readerId = this.readerClientId;
        if (this.stopped || readerId === undefined) return;
        // The XREAD travels on the other connection and may not have reached Redis yet, in which case
        // there is nothing to unblock: try again until it has returned.
        const unblocked = await this.commands.client('UNBLOCK', readerId);
        await (unblocked === 1 ? read.settled : Promise.race([read.settled, sleep(UNBLOCK_RETRY_MS)]));
      }
    } catch (error) {
      log(`CLIENT UNBLOCK failed: ${toMessage(error)}`);
    } finally {
      this.unblocking = false;
    }
  }
}

/** XREAD's start for a session: the earliest position of its subscriptions (each skips what it has). */
function startIdOf(sameSession: Set<Subscription>): string {
  let after = Infinity;
  for (const subscription of sameSession) after = Math.min(after, subscription.after);
  return `0-${after}`;
}

function noop(): void {
  // settled either way
}

/** ioredis emits an error per failed connection attempt: log each new message once, not every retry. */
function logConnectionErrors(redis: Redis, name: string): void {
  let last = '';
  redis.on('error', (error: Error) => {
    if (error.message !== last) log(`${name}: ${(last = error.message)}`);
  });
  redis.on('ready', () => (last = ''));
}
