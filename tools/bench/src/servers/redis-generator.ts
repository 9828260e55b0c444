// Baseline (b)'s scheduler: takes the turns the gateways ask for (stream bench:requests, consumer group
// `generators`) and writes each reply, paced like the simulated model, to its session's stream.
import { createServer } from 'node:http';
import Redis from 'ioredis';
import { type BenchEvent, baselineEnv, runUntilSignalled } from './baseline-server';
import {
  entryIdForSeq,
  EVENT_FIELD,
  quitTimeout,
  REQUESTS_STREAM,
  RETRY_PAUSE_MS,
  sessionStreamKey,
  sleep,
  type StreamsReply,
} from './redis-streams';
import { benchToken, paceTokens } from './token-pacer';
import { toMessage } from '@litesession/edge/errors';

const GROUP = 'generators';
const READ_COUNT = 100;

const log = (message: string) => console.error(`[redis-generator] ${message}`);

interface TurnRequest {
  requestId: string;
  sessionId: string;
  turnId: string;
  text: string;
}

class TurnGenerator {
  /** Every XADD and XACK; auto-pipelined, so the turns' writes share round trips. */
  private readonly writer: Redis;
  /** Only ever blocked in XREADGROUP. */
  private readonly requests: Redis;
  /** Per session, the next seq; read once from XLEN, then counted here (this is the only writer). */
  private readonly nextSeq = new Map<string, Promise<{ value: number }>>();
  private readonly stopping = new AbortController();
  private readonly consumer = `generator-${process.pid}`;
  private loop: Promise<void> | undefined;

  constructor(
    redisUrl: string,
    private readonly tokensPerSecond: number,
    private readonly replyTokens: number,
  ) {
    this.writer = new Redis(redisUrl, { enableAutoPipelining: true });
    // Waits through reconnects; an unanswered XREADGROUP is sent again on the new connection.
    this.requests = new Redis(redisUrl, { maxRetriesPerRequest: null });
    for (const [redis, name] of [
      [this.writer, 'writer'],
      [this.requests, 'request reader'],
    ] as const) {
      redis.on('error', (error: Error) => log(`${name} connection: ${error.message}`));
    }
  }

  async start(): Promise<void> {
    try {
      // From the start of the stream: requests sent before the generator was up are served too.
      await this.writer.xgroup('CREATE', REQUESTS_STREAM, GROUP, '0', 'MKSTREAM');
    } catch (error) {
      if (!toMessage(error).startsWith('BUSYGROUP')) throw error;
    }
    this.loop = this.readRequests();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    // A blocked XREADGROUP would hold a QUIT behind it: drop that connection instead.
    this.requests.disconnect();
    await this.loop;
    await Promise.race([this.writer.quit(), quitTimeout()]).catch(() => undefined);
    this.writer.disconnect();
  }

  private async readRequests(): Promise<void> {
    while (!this.stopping.signal.aborted) {
      try {
        const reply = (await this.requests.xreadgroup(
          'GROUP',
          GROUP,
          this.consumer,
          'COUNT',
          READ_COUNT,
          'BLOCK',
          0,
          'STREAMS',
          REQUESTS_STREAM,
          '>',
        )) as StreamsReply;
        for (const [, entries] of reply ?? []) {
          for (const [requestId, fields] of entries) void this.runTurn(toRequest(requestId, fields));
        }
      } catch (error) {
        if (this.stopping.signal.aborted) break;
        log(`XREADGROUP failed (${toMessage(error)}); retrying in ${RETRY_PAUSE_MS} ms`);
        await sleep(RETRY_PAUSE_MS);
      }
    }
  }

  /** user.message, turn.started, the paced tokens, turn.completed; then the request is acknowledged. */
  private async runTurn({ requestId, sessionId, turnId, text }: TurnRequest): Promise<void> {
    const key = sessionStreamKey(sessionId);
    let lastWrite: Promise<unknown> = Promise.resolve();
    let failure: unknown;
    try {
      const seq = await this.seqCounter(sessionId);
      const publish = (type: BenchEvent['type'], eventText?: string) => {
        const eventSeq = seq.value++;
        const event: BenchEvent = { sessionId, seq: eventSeq, turnId, type, ts: Date.now() };
        if (eventText !== undefined) event.text = eventText;
        // Not awaited: one connection answers in order, so the turn's last write settling means all did.
        lastWrite = this.writer
          .xadd(key, entryIdForSeq(eventSeq), EVENT_FIELD, JSON.stringify(event))
          .catch((error: unknown) => (failure ??= error));
      };
      publish('user.message', text);
      publish('turn.started');
      let reply = '';
      await paceTokens(
        this.replyTokens,
        this.tokensPerSecond,
        (index) => {
          const token = benchToken(index);
          reply += token;
          publish('token', token);
        },
        this.stopping.signal,
      );
      if (this.stopping.signal.aborted) return;
      publish('turn.completed', reply);
      await lastWrite;
      if (failure !== undefined) throw failure;
      await this.writer.xack(REQUESTS_STREAM, GROUP, requestId);
    } catch (error) {
      log(`turn ${turnId} of session ${sessionId} failed: ${toMessage(error)}`);
    }
  }

  private seqCounter(sessionId: string): Promise<{ value: number }> {
    let counter = this.nextSeq.get(sessionId);
    if (!counter) {
      counter = this.writer.xlen(sessionStreamKey(sessionId)).then((length) => ({ value: length }));
      // A failed XLEN is not remembered: the next turn asks again.
      counter.catch(() => this.nextSeq.delete(sessionId));
      this.nextSeq.set(sessionId, counter);
    }
    return counter;
  }
}

function toRequest(requestId: string, fields: string[]): TurnRequest {
  const field = (name: string) => {
    const index = fields.indexOf(name);
    return index >= 0 ? (fields[index + 1] ?? '') : '';
  };
  return { requestId, sessionId: field('sessionId'), turnId: field('turnId'), text: field('text') };
}

const env = baselineEnv();
const redisUrl = process.env['REDIS_URL'] || 'redis://127.0.0.1:6379';

runUntilSignalled(async () => {
  const generator = new TurnGenerator(redisUrl, env.tokensPerSecond, env.replyTokens);
  await generator.start();
  // Only so that the bench can wait for it like for the other processes.
  const health = createServer((req, res) => {
    const ok = req.url === '/health/ready' || req.url === '/health/live';
    res.writeHead(ok ? 200 : 404, { 'content-type': 'application/json' });
    res.end(ok ? '{"status":"ok"}' : '{}');
  });
  await new Promise<void>((resolve) => health.listen(env.port, env.host, resolve));
  return async () => {
    health.close();
    await generator.stop();
  };
});
