/**
 * Helpers of the multi-broker and broker-restart probes: acknowledged lite messages with numbered bodies,
 * a lite push consumer that records which broker each message came from and at which offset, the
 * tools/rocketmq command line, and `mqadmin getLiteTopicInfo` per session.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConsumeResult, type MessageView, OffsetOption, type Producer } from 'rocketmq-client-nodejs';
import {
  type LiteConsumerTuning,
  LiteSessionPushConsumer,
} from '../../src/lib/session-channels/lite-session-push-consumer';
import { brokerEndpoints, GATEWAY_GROUP, PARENT_TOPIC } from '../support/broker-endpoints';

const ROOT = path.resolve(__dirname, '../../../..');
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** One message as a reader got it: `n` is its number in the session (the body), `offset` the broker's. */
export interface Read {
  session: string;
  n: number;
  offset: number;
  broker: string;
}

/** Sends message number `n` of a session. Resolves with undefined once it is acknowledged, else with the error. */
export async function publish(producer: Producer, session: string, n: number): Promise<string | undefined> {
  try {
    await producer.send({
      topic: PARENT_TOPIC,
      liteTopic: session,
      body: Buffer.from(JSON.stringify({ n })),
    });
    return undefined;
  } catch (error) {
    return (error as Error).message.split('\n')[0]?.slice(0, 160);
  }
}

/**
 * A lite push consumer of group `gateway` subscribed to `sessions` from offset 0. The broker name comes
 * from the receipt handle (the broker's pop handle, which names the broker it was popped from).
 */
export class LiteReader {
  readonly reads: Read[] = [];
  private lastAt = Date.now();
  private readonly consumer: LiteSessionPushConsumer;

  private constructor(tuning: LiteConsumerTuning) {
    this.consumer = new LiteSessionPushConsumer(
      {
        endpoints: brokerEndpoints(),
        namespace: '',
        consumerGroup: GATEWAY_GROUP,
        bindTopic: PARENT_TOPIC,
        subscriptions: new Map(),
        logger: quiet,
        messageListener: {
          consume: (view: MessageView) => {
            this.record(view);
            return ConsumeResult.SUCCESS;
          },
        },
      },
      tuning,
    );
  }

  static async start(sessions: readonly string[], tuning: LiteConsumerTuning = {}): Promise<LiteReader> {
    const reader = new LiteReader(tuning);
    await reader.consumer.startup();
    for (const session of sessions) await reader.consumer.subscribeLite(session, OffsetOption.ofOffset(0));
    return reader;
  }

  of(session: string): Read[] {
    return this.reads.filter((read) => read.session === session);
  }

  /**
   * Waits until `done()` or `timeoutMs`. After a second without deliveries it re-sends the subscription set,
   * the workaround for apache/rocketmq#11191 that the library applies too (docs/rocketmq.md).
   */
  async waitFor(done: () => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!done() && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      if (Date.now() - this.lastAt > 1000) {
        this.lastAt = Date.now();
        await this.consumer.resyncSubscriptions();
      }
    }
    return done();
  }

  close(): Promise<void> {
    return Promise.race([this.consumer.close(), new Promise<void>((resolve) => setTimeout(resolve, 8000))]);
  }

  private record(view: MessageView): void {
    this.lastAt = Date.now();
    const { n } = JSON.parse(view.body.toString()) as { n: number };
    // ExtraInfo of a pop: "<ckOffset> <popTime> <invisible> <reviveQid> <topicType> <brokerName> <queueId> <offset>…"
    const broker = view.receiptHandle.split(' ')[5] ?? '?';
    this.reads.push({ session: view.liteTopic ?? '?', n, offset: Number(view.offset), broker });
  }
}

/**
 * `npm run rocketmq -- <args>` with this process's ROCKETMQ_* settings, without blocking this process's
 * clients meanwhile. Resolves with its output; rejects when it fails.
 */
export function rocketmqTool(...args: string[]): Promise<string> {
  const cli = ['tsx', '--tsconfig', 'tsconfig.base.json', 'tools/rocketmq/src/cli.ts', ...args];
  return new Promise((resolve, reject) => {
    const child = spawn('npx', cli, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(output)
        : reject(new Error(`rocketmq ${args.join(' ')} failed (${code}):\n${output}`)),
    );
  });
}

/** What `mqadmin getLiteTopicInfo` says about a session on each broker. */
export interface LiteTopicRow {
  broker: string;
  minOffset: number;
  maxOffset: number;
  /** The broker's own view of which broker the lite topic belongs to. */
  sharding: boolean;
}

export async function liteTopicInfo(session: string): Promise<LiteTopicRow[]> {
  const namesrv = `127.0.0.1:${process.env['ROCKETMQ_NAMESRV_PORT'] || '9876'}`;
  const output = await rocketmqTool(
    'mqadmin',
    'getLiteTopicInfo',
    '-n',
    namesrv,
    '-p',
    PARENT_TOPIC,
    '-l',
    session,
  );
  return (
    output
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter((cols) => /^broker-/.test(cols[0] ?? ''))
      // #Broker Name #MinOffset #MaxOffset #LastUpdate (a date and time, or "-") #Sharding #SubClientCount
      .map((cols) => ({
        broker: cols[0] ?? '',
        minOffset: Number(cols[1]),
        maxOffset: Number(cols[2]),
        sharding: cols.at(-2) === 'true',
      }))
  );
}

/**
 * SIGKILL of the first broker at once, by the pid tools/rocketmq recorded (checked against the marker on
 * its command line, as the tool does), without the seconds the tool's own `kill` command takes to start.
 */
export function killBrokerNow(): number {
  const dir = process.env['ROCKETMQ_DIR'] ?? '';
  const pid = Number(readFileSync(path.join(dir, 'run', 'broker.pid'), 'utf8').trim());
  const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  if (
    !args.includes('-Dlitesession.rocketmq.role=broker') ||
    !args.includes(`-Dlitesession.rocketmq.dir=${dir}`)
  ) {
    throw new Error(`pid ${pid} is not the broker of ${dir}`);
  }
  process.kill(pid, 'SIGKILL');
  return pid;
}

/** Refuses to run against the shared default cluster: these probes kill brokers. */
export function requireOwnCluster(): void {
  if (!process.env['ROCKETMQ_DIR'] || !process.env['ROCKETMQ_ENDPOINTS']) {
    throw new Error(
      'set ROCKETMQ_DIR and ROCKETMQ_ENDPOINTS (and the ROCKETMQ_*_PORT of that cluster): this probe kills brokers',
    );
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
