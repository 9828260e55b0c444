/**
 * What happens to `chat-requests` messages the scheduler holds unacknowledged (or has just acknowledged)
 * when the broker is SIGKILLed and restarted DOWN_MS (2 s) later (issue 10). MESSAGES (20) requests over
 * GROUPS (4) message groups are sent as the gateway sends them; a request-holder process (group
 * `llm-scheduler`, RocketMQServer's consumer settings) receives them.
 *
 * SCENARIO=A  held until HOLD_MS (10 s) after the last receive, then the broker is killed; the holder lives
 *             on. ACK_AFTER_MS (5 s) after the broker is back it acks the even-numbered originals with their
 *             old receipt handles; repeats are acked on arrival. WATCH_MS (180 s) after the restart the
 *             holder is SIGKILLed and a new one (acking everything) collects what the broker still has
 *             (TAKEOVER_MS, 90 s).
 * SCENARIO=B  as A, but the holder is SIGKILLed 0.5 s after the broker; a new holder starts once it is back.
 * SCENARIO=C  as A, but the broker is killed FRESH_MS (1 s) after the last receive.
 * SCENARIO=D  the holder acks on arrival; the broker is killed ACKED_MS (1 s) after the last ack's answer.
 *
 * Prints what the holders got, and the lines of the proxy's and broker's logs (under ROCKETMQ_DIR) written
 * meanwhile about handles, renewals, revives and the timer store's recovery. The holders' own output goes
 * to ROCKETMQ_DIR/probe-out/.
 *
 * Needs its own cluster: ROCKETMQ_DIR, ROCKETMQ_ENDPOINTS and the ROCKETMQ_*_PORT settings of that cluster.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Producer } from 'rocketmq-client-nodejs';
import { withSettingsReplay } from '../../src/lib/client/settings-replay';
import { brokerEndpoints } from '../support/broker-endpoints';
import { runProbe } from './probe-main';
import { killBrokerNow, requireOwnCluster, rocketmqTool, sleep } from './lite-log';

const env = (name: string, fallback: string) => process.env[name] ?? fallback;
const SCENARIO = env('SCENARIO', 'A');
const MESSAGES = Number(env('MESSAGES', '20'));
const GROUPS = Number(env('GROUPS', '4'));
const WATCH_MS = Number(env('WATCH_MS', '180000'));
const TAKEOVER_MS = Number(env('TAKEOVER_MS', '90000'));
const ROOT = path.resolve(__dirname, '../../../..');
const DIR = env('ROCKETMQ_DIR', '');
const LOGS = path.join(DIR, 'logs', 'rocketmqlogs');

interface Line {
  kind: string;
  t: number;
  id?: number;
  n?: number;
  attempt?: number;
  repeat?: boolean;
  code?: number;
  message?: string;
  error?: string;
  [key: string]: unknown;
}

/** A request-holder.process.ts child and what it printed; its raw output goes to probe-out/. */
class Holder {
  readonly lines: Line[] = [];
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly exited: Promise<void>;

  constructor(name: string, run: string, ack: 'hold' | 'repeats' | 'all') {
    const script = path.join(__dirname, 'request-holder.process.ts');
    this.child = spawn(process.execPath, ['-r', '@swc-node/register', script], {
      cwd: ROOT,
      env: {
        ...process.env,
        SWC_NODE_PROJECT: path.join(ROOT, 'libs/rocketmq/tsconfig.spec.json'),
        RUN: run,
        ACK: ack,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    mkdirSync(path.join(DIR, 'probe-out'), { recursive: true });
    const file = path.join(DIR, 'probe-out', `${run}-${name}.log`);
    const keep = (line: string) => appendFileSync(file, `${new Date().toISOString()} ${line}\n`);
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      keep(line);
      try {
        this.lines.push(JSON.parse(line) as Line);
      } catch {
        // not one of ours; kept in the file
      }
    });
    createInterface({ input: this.child.stderr }).on('line', (line) => keep(`stderr ${line}`));
    this.exited = new Promise((resolve) => this.child.on('exit', () => resolve()));
  }

  of(kind: string): Line[] {
    return this.lines.filter((l) => l.kind === kind);
  }

  async until(check: () => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!check() && Date.now() < deadline) await sleep(100);
    return check();
  }

  ack(ids: number[]): void {
    if (ids.length > 0) this.child.stdin.write(`ack ${ids.join(',')}\n`);
  }

  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  async close(): Promise<void> {
    this.child.stdin.write('exit\n');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 12_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** `mqadmin consumerProgress` of llm-scheduler on one topic, summed over its queues. */
async function progress(topic: string): Promise<string> {
  const namesrv = `127.0.0.1:${env('ROCKETMQ_NAMESRV_PORT', '9876')}`;
  const args = ['consumerProgress', '-n', namesrv, '-g', 'llm-scheduler', '-t', topic];
  const output = await rocketmqTool('mqadmin', ...args).catch((error: Error) => error.message);
  // #Topic #Broker Name #QID #Broker Offset #Consumer Offset #Diff #Inflight #LastTime
  const rows = output
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((cols) => cols[0] === topic && /^broker-/.test(cols[1] ?? ''))
    .map((cols) => cols.slice(3, 7).map(Number));
  if (rows.length === 0) return `${topic}: ${output.trim().split('\n').at(-1)?.slice(0, 160)}`;
  const sum = (i: number) => rows.reduce((total, row) => total + (row[i] ?? 0), 0);
  return `${topic}: broker offset ${sum(0)}, consumer offset ${sum(1)}, diff ${sum(2)}, inflight ${sum(3)}`;
}

/** Where each RocketMQ log ends now, so that `logSince` shows only what a run wrote. */
const LOG_FILES = ['proxy.log', 'pop.log', 'store.log'] as const;
function logMark(): Record<string, number> {
  const file = (name: string) => path.join(LOGS, name);
  return Object.fromEntries(
    LOG_FILES.map((name) => [name, existsSync(file(name)) ? statSync(file(name)).size : 0]),
  );
}

const INTERESTING =
  /clear handle|renew|exceed|ck listSize=[1-9]|can not get|revive.*(fail|error)|put .* fail|Timer recover ok|Begin to recover timerLog|last shutdown abnormally|recheck/i;

function logSince(mark: Record<string, number>): string[] {
  return LOG_FILES.flatMap((name) => {
    const file = path.join(LOGS, name);
    if (!existsSync(file)) return [];
    const text = readFileSync(file)
      .subarray(mark[name] ?? 0)
      .toString();
    return text
      .split('\n')
      .filter((line) => INTERESTING.test(line) && !/^\s/.test(line))
      .map((line) => `  ${name}: ${line.slice(0, 260)}`);
  });
}

async function sendRequests(run: string): Promise<number> {
  const producer = new (withSettingsReplay(Producer))({
    endpoints: brokerEndpoints(),
    namespace: '',
    topics: ['chat-requests'],
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
  });
  await producer.startup();
  await Promise.all(
    Array.from({ length: GROUPS }, async (_, g) => {
      for (let n = g; n < MESSAGES; n += GROUPS) {
        await producer.send({
          topic: 'chat-requests',
          messageGroup: `s-${run}-${g}`,
          keys: [`${run}-${n}`],
          body: Buffer.from(JSON.stringify({ run, n })),
        });
      }
    }),
  );
  await producer.shutdown();
  return Date.now();
}

async function main(): Promise<void> {
  requireOwnCluster();
  const run = `r${Date.now().toString(36)}`;
  const say = (text: string) => console.log(`[probe ${SCENARIO} ${run}] ${text}`);
  const mark = logMark();
  const first = new Holder('h1', run, SCENARIO === 'D' ? 'all' : 'repeats');
  await first.until(() => first.of('ready').length > 0, 30_000);
  await sleep(3_000); // other runs' leftovers arrive (and are acked) now
  const leftovers = first.of('foreign');
  say(`leftovers of earlier runs acked at start: ${leftovers.length}`);

  const sentAt = await sendRequests(run);
  const originals = () => first.of('received').filter((l) => !l.repeat);
  await first.until(() => originals().length >= MESSAGES, 60_000);
  const lastReceive = Math.max(...originals().map((l) => l.t));
  say(
    `sent ${MESSAGES}; h1 received ${originals().length}, the last ${lastReceive - sentAt} ms after the last send`,
  );
  if (SCENARIO === 'D') {
    const answered = () => first.of('ack').filter((l) => l.code === 20000);
    await first.until(() => answered().length >= MESSAGES, 30_000);
    const lastAck = Math.max(...first.of('ack').map((l) => l.t));
    await sleep(Math.max(0, Number(env('ACKED_MS', '1000')) - (Date.now() - lastAck)));
    say(
      `${answered().length} acks answered OK; killing the broker ${Date.now() - lastAck} ms after the last`,
    );
  } else {
    const wait = Number(SCENARIO === 'C' ? env('FRESH_MS', '1000') : env('HOLD_MS', '10000'));
    await sleep(Math.max(0, wait - (Date.now() - lastReceive)));
  }

  const pid = killBrokerNow();
  const killedAt = Date.now();
  const ages = originals().map((l) => killedAt - l.t);
  say(`broker pid ${pid} SIGKILLed; the pops were ${Math.min(...ages)}-${Math.max(...ages)} ms old`);
  const since = (t: number, from = killedAt) => `+${((t - from) / 1000).toFixed(1)}s`;
  const deliveries = (holder: Holder, from = killedAt) =>
    holder
      .of('received')
      .filter((l) => l.t > from)
      .map((l) => `n${l.n}@${since(l.t, from)}/a${l.attempt}`)
      .join(' ') || 'none';
  if (SCENARIO === 'B') {
    await sleep(500);
    await first.kill();
    say('h1 SIGKILLed while the broker is down');
  }
  await sleep(Number(env('DOWN_MS', '2000')));
  await rocketmqTool('start');
  const readyAt = Date.now();
  say(`broker restarted: the tool's start returned at ${since(readyAt)} (times below are since the kill)`);

  if (SCENARIO === 'B') {
    const second = new Holder('h2', run, 'all');
    await second.until(() => second.of('ready').length > 0, 60_000);
    say(`h2 ready at ${since(Date.now())}`);
    const distinct = () => new Set(second.of('received').map((l) => l.n));
    await second.until(() => distinct().size >= MESSAGES, WATCH_MS);
    await sleep(10_000); // duplicates
    const missing = [...Array(MESSAGES).keys()].filter((n) => !distinct().has(n));
    say(
      `h2 received ${second.of('received').length} (${distinct().size} distinct) of ${MESSAGES}; ` +
        `not within ${WATCH_MS / 1000} s: [${missing.join(',')}]`,
    );
    say(`h2 deliveries (n@time/attempt): ${deliveries(second)}`);
    await second.close();
  } else if (SCENARIO === 'D') {
    await sleep(WATCH_MS);
    say(`deliveries after the kill (duplicates), n@time/attempt: ${deliveries(first)}`);
    await first.close();
  } else {
    // A and C: h1 lived through the restart.
    await sleep(Number(env('ACK_AFTER_MS', '5000')));
    const even = originals().filter((l) => (l.n ?? 0) % 2 === 0);
    const ackedAt = Date.now();
    first.ack(even.map((l) => l.id ?? 0));
    const answers = () => first.of('ack').filter((l) => l.t >= ackedAt && even.some((e) => e.id === l.id));
    await first.until(() => answers().length >= even.length, 30_000);
    const codes = answers().map((l) => l.code ?? l.error);
    say(
      `acked the ${even.length} even originals at ${since(ackedAt)} with their old handles: ` +
        `answers ${codes.join(',')} ${answers().find((l) => l.code !== 20000)?.message ?? ''}`,
    );
    await sleep(Math.max(0, WATCH_MS - (Date.now() - readyAt)));
    say(`h1 (alive) got after the kill, repeats acked on arrival, n@time/attempt: ${deliveries(first)}`);
    const repeated = new Set(
      first
        .of('received')
        .filter((l) => l.repeat)
        .map((l) => l.n),
    );
    const stillHeld = originals().filter((l) => (l.n ?? 0) % 2 === 1 && !repeated.has(l.n));
    await first.kill();
    const takeoverAt = Date.now();
    const second = new Holder('h2', run, 'all');
    await second.until(
      () => stillHeld.every((h) => second.of('received').some((l) => l.n === h.n)),
      TAKEOVER_MS,
    );
    await sleep(Math.min(30_000, Math.max(0, TAKEOVER_MS - (Date.now() - takeoverAt))));
    const got = second.of('received');
    const lost = stillHeld.filter((h) => !got.some((l) => l.n === h.n)).map((l) => l.n);
    say(
      `h1 SIGKILLed at ${since(takeoverAt)} still holding [${stillHeld.map((l) => l.n).join(',')}]; ` +
        `h2 got, since then: ${deliveries(second, takeoverAt)}; of those held, not back within ` +
        `${((Date.now() - takeoverAt) / 1000).toFixed(0)} s: [${lost.join(',')}]`,
    );
    await second.close();
  }
  say(`after: ${await progress('chat-requests')}; ${await progress('%RETRY%llm-scheduler_chat-requests')}`);
  say(
    `log lines written during the run (the logs' clock is UTC+8; the kill was at ${new Date(killedAt).toISOString()}):`,
  );
  for (const line of logSince(mark)) console.log(line);
}

runProbe(main);
