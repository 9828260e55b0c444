// Against a real, private redis-server: the ID scheme, resume, live delivery, and CLIENT UNBLOCK.
// startRedisServer installs redis-server with apt-get when it is missing (as root); where it cannot, the
// suite fails with the reason instead of skipping itself.
import Redis from 'ioredis';
import { type RedisServerProcess, startRedisServer } from '../paths/redis-server-process';
import type { BenchEvent } from './baseline-server';
import { RedisSource } from './redis-source';
import { entryIdForSeq, EVENT_FIELD, REQUESTS_STREAM, sessionStreamKey } from './redis-streams';

/** The events one open() delivered, and a promise for when there are `count` of them. */
function collector() {
  const events: BenchEvent[] = [];
  const waiting: Array<{ count: number; resolve: () => void }> = [];
  return {
    events,
    deliver: (event: BenchEvent) => {
      events.push(event);
      for (const wait of waiting.filter((w) => events.length >= w.count)) wait.resolve();
    },
    until: (count: number) =>
      new Promise<void>((resolve) => {
        if (events.length >= count) resolve();
        else waiting.push({ count, resolve });
      }),
  };
}

function event(sessionId: string, seq: number): BenchEvent {
  return { sessionId, seq, turnId: 't1', type: 'token', text: `token ${seq} `, ts: Date.now() };
}

describe('RedisSource', () => {
  let server: RedisServerProcess;
  let writer: Redis;
  let source: RedisSource;

  const write = (sessionId: string, seq: number) =>
    writer.xadd(
      sessionStreamKey(sessionId),
      entryIdForSeq(seq),
      EVENT_FIELD,
      JSON.stringify(event(sessionId, seq)),
    );

  /** Until Redis lists a client blocked (`flags=b`) in XREAD: the reader is waiting on its key list. */
  async function readerBlocked(): Promise<void> {
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      const clients = String(await writer.client('LIST')).split('\n');
      if (clients.some((line) => /\bflags=\w*b/.test(line) && /\bcmd=xread\b/.test(line))) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('the reader never blocked in XREAD');
  }

  beforeAll(async () => {
    server = await startRedisServer();
    writer = new Redis(server.url);
    source = new RedisSource(server.url);
    await source.ready();
  }, 300_000); // an apt-get install of redis-server takes a minute or two on a fresh machine

  afterAll(async () => {
    await source?.close();
    writer?.disconnect();
    await server?.stop();
  });

  it('resumes from a seq, delivers live entries in order, and adds a session to a blocked read', async () => {
    for (let seq = 0; seq <= 4; seq += 1) await write('a', seq);
    const a = collector();
    const closeA = await source.open('a', 2, a.deliver);
    await a.until(3);
    expect(a.events.map((e) => e.seq)).toEqual([2, 3, 4]);
    expect(a.events[0]).toEqual(expect.objectContaining({ sessionId: 'a', type: 'token', text: 'token 2 ' }));

    await readerBlocked();
    await write('a', 5);
    await write('a', 6);
    await a.until(5);
    expect(a.events.map((e) => e.seq)).toEqual([2, 3, 4, 5, 6]);

    // Nothing more is written to `a`: without CLIENT UNBLOCK the read would never learn about `b`.
    await readerBlocked();
    const b = collector();
    const closeB = await source.open('b', 0, b.deliver);
    await write('b', 0);
    await b.until(1);
    expect(b.events.map((e) => [e.sessionId, e.seq])).toEqual([['b', 0]]);

    // A closed session gets nothing more: `a`'s entry 7 is written before `b`'s 1, in one read's reach.
    closeA();
    await write('a', 7);
    await write('b', 1);
    await b.until(2);
    expect(b.events.map((e) => e.seq)).toEqual([0, 1]);
    expect(a.events.map((e) => e.seq)).toEqual([2, 3, 4, 5, 6]);
    closeB();
  });

  it('starts a turn by adding a request to the requests stream', async () => {
    await source.startTurn('c', 'turn-1', 'hello');
    const entries = await writer.xrange(REQUESTS_STREAM, '-', '+');
    expect(entries.map(([, fields]) => fields)).toContainEqual([
      'sessionId',
      'c',
      'turnId',
      'turn-1',
      'text',
      'hello',
    ]);
  });
});
