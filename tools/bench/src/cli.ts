// `npm run bench -- [options]`: the benchmark suite, report written to --out (and docs/ with --docs).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from '@litesession/stack-tools';
import { runCleanups } from './paths/cleanup';
import { publishToDocs, writeReport } from './report/write-report';
import { type PathName, TAKEOVER_STOPS, type TakeoverStop } from './results';
import { runSuite, type SuiteOptions } from './suite';

const USAGE = `Usage: npm run bench -- [options]

  --paths direct,redis,litesession   paths to measure, in this order within each ladder step (default: all three)
  --ladder 10,100,1000,5000          sessions per load step (default)
  --rate 30                          tokens per second per session
  --warmup 5 --window 20             seconds before and of each measurement
  --p99-bound 100                    the pass rule's p99 latency bound, ms
  --capacity 10000 --capacity-steps 10   idle sessions ramped onto one gateway (0: skip)
  --resume-sessions 20               sessions streaming when their gateway is SIGKILLed (0: skip)
  --conversation-turns 50            turns of one conversation, timing each turn's start (0: skip)
  --conversation-runs 3              runs of the conversation scenario per path
  --resume-counts 20,200             resume matrix: sessions resuming at once
  --resume-depths 50,500,5000        resume matrix: events per session's log at the kill (20 sessions)
  --resume-runs 3                    runs of each resume matrix cell per path (0: skip the matrix)
  --takeover-sessions 20             sessions streaming over two schedulers when one is stopped (0: skip)
  --takeover-runs 3                  runs of the takeover scenario per way of stopping
  --takeover-stops SIGKILL,SIGTERM   how the scheduler is stopped: SIGKILL (leases run out), SIGTERM (hand-back)
  --history-sessions 500 --history-turns 20 --history-runs 3
                                     gateway memory per session with a 20-turn log vs an empty one (0: skip)
  --workers 2                        client worker processes
  --jvm-warmup 90                    seconds of unmeasured LiteSession traffic first (the JVMs' JIT warm-up)
  --out test-results/bench           where report.md, results.json and the charts go
  --docs                             also write the report into docs/benchmarks.md and docs/benchmarks/
`;

const ALL_PATHS: PathName[] = ['litesession', 'direct', 'redis'];

function parseOptions(argv: string[]): { suite: SuiteOptions; out: string; docs: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: {
      paths: { type: 'string', default: 'direct,redis,litesession' },
      ladder: { type: 'string', default: '10,100,1000,5000' },
      rate: { type: 'string', default: '30' },
      warmup: { type: 'string', default: '5' },
      window: { type: 'string', default: '20' },
      'p99-bound': { type: 'string', default: '100' },
      capacity: { type: 'string', default: '10000' },
      'capacity-steps': { type: 'string', default: '10' },
      'resume-sessions': { type: 'string', default: '20' },
      'conversation-turns': { type: 'string', default: '50' },
      'conversation-runs': { type: 'string', default: '3' },
      'resume-counts': { type: 'string', default: '20,200' },
      'resume-depths': { type: 'string', default: '50,500,5000' },
      'resume-runs': { type: 'string', default: '3' },
      'takeover-sessions': { type: 'string', default: '20' },
      'takeover-runs': { type: 'string', default: '3' },
      'takeover-stops': { type: 'string', default: TAKEOVER_STOPS.join(',') },
      'history-sessions': { type: 'string', default: '500' },
      'history-turns': { type: 'string', default: '20' },
      'history-runs': { type: 'string', default: '3' },
      workers: { type: 'string', default: '2' },
      'open-concurrency': { type: 'string', default: '50' },
      'jvm-warmup': { type: 'string', default: '90' },
      out: { type: 'string', default: 'test-results/bench' },
      docs: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const problems: string[] = [];
  const int = (name: keyof typeof values, min: number, max: number): number => {
    const raw = String(values[name]);
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max)
      problems.push(`--${name} must be ${min}..${max} (got "${raw}")`);
    return value;
  };
  const list = (raw: string) =>
    raw
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  const paths = list(values.paths) as PathName[];
  for (const name of paths)
    if (!ALL_PATHS.includes(name)) problems.push(`unknown path "${name}" (${ALL_PATHS.join(', ')})`);
  const ladder = list(values.ladder).map(Number);
  if (ladder.length === 0 || ladder.some((n) => !Number.isInteger(n) || n < 1 || n > 20_000))
    problems.push(`--ladder must be session counts 1..20000 (got "${values.ladder}")`);
  const takeoverStops = list(values['takeover-stops']) as TakeoverStop[];
  for (const stop of takeoverStops)
    if (!TAKEOVER_STOPS.includes(stop))
      problems.push(`unknown --takeover-stops "${stop}" (${TAKEOVER_STOPS.join(', ')})`);
  const counts = (name: 'resume-counts' | 'resume-depths', max: number): number[] => {
    const parsed = list(String(values[name])).map(Number);
    if (parsed.some((n) => !Number.isInteger(n) || n < 1 || n > max))
      problems.push(`--${name} must be integers 1..${max} (got "${String(values[name])}")`);
    return parsed;
  };
  const suite: SuiteOptions = {
    paths,
    ladder,
    tokensPerSecond: int('rate', 1, 1000),
    warmupSeconds: int('warmup', 0, 600),
    windowSeconds: int('window', 1, 3600),
    p99BoundMs: int('p99-bound', 1, 60_000),
    capacitySessions: int('capacity', 0, 20_000),
    capacitySteps: int('capacity-steps', 1, 100),
    resumeSessions: int('resume-sessions', 0, 20_000),
    conversationTurns: int('conversation-turns', 0, 500),
    conversationRuns: int('conversation-runs', 1, 10),
    resumeCounts: counts('resume-counts', 2000),
    resumeDepths: counts('resume-depths', 100_000),
    resumeRuns: int('resume-runs', 0, 10),
    takeoverSessions: int('takeover-sessions', 0, 2000),
    takeoverRuns: int('takeover-runs', 1, 10),
    takeoverStops,
    historySessions: int('history-sessions', 0, 10_000),
    historyTurns: int('history-turns', 1, 200),
    historyRuns: int('history-runs', 1, 10),
    workers: int('workers', 1, 16),
    openConcurrency: int('open-concurrency', 1, 1000),
    jvmWarmupSeconds: int('jvm-warmup', 0, 3600),
    command: ['npm run bench', ...(argv.length > 0 ? ['--', ...argv] : [])].join(' '),
  };
  if (problems.length > 0) {
    console.error(`${problems.join('\n')}\n\n${USAGE}`);
    process.exit(2);
  }
  return { suite, out: path.resolve(ROOT, values.out), docs: values.docs };
}

async function main(): Promise<void> {
  const { suite, out, docs } = parseOptions(process.argv.slice(2));
  const started = Date.now();
  const say = (line: string) => {
    const elapsed = Math.round((Date.now() - started) / 1000);
    console.log(
      `[bench ${String(Math.floor(elapsed / 60)).padStart(2, '0')}:${String(elapsed % 60).padStart(2, '0')}] ${line}`,
    );
  };
  say(
    `paths ${suite.paths.join(', ')}; ladder ${suite.ladder.join(' → ')} sessions × ${suite.tokensPerSecond} tok/s`,
  );
  const results = await runSuite(suite, say);
  await writeReport(results, out);
  say(`report: ${path.relative(ROOT, path.join(out, 'report.md'))}`);
  if (docs) {
    await publishToDocs(
      results,
      path.join(ROOT, 'docs', 'benchmarks.md'),
      path.join(ROOT, 'docs', 'benchmarks'),
    );
    say('docs/benchmarks.md updated');
  }
}

// Ctrl-C: stop every server the bench started (they run in process groups of their own), then exit.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.log(`[bench] ${signal}: stopping what the bench started`);
    void runCleanups().finally(() => process.exit(130));
  });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
