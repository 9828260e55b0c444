import type {
  BenchResults,
  LadderStep,
  LatencySummary,
  PathName,
  ResumeResult,
  TakeoverResult,
} from '../results';

// A small hand-made run for the report tests: LiteSession, direct and Redis at 100 sessions; LiteSession and
// direct at 1,000 (Redis did not run that step); capacity for LiteSession and direct; resume for all three.

/** A latency summary with the given p50 and p99 (mean, p90 and max derived from them). */
export function latency(p50: number, p99: number, count = 1000): LatencySummary {
  return { count, mean: p50 * 1.1, p50, p90: (p50 + p99) / 2, p99, max: p99 * 2 };
}

/** A passing ladder step at 30 tok/s per session that delivered everything it was offered. */
export function ladderStep(
  path: PathName,
  sessions: number,
  overrides: Partial<LadderStep> = {},
): LadderStep {
  const offeredTokens = sessions * 30 * 60;
  return {
    path,
    sessions,
    tokensPerSecond: 30,
    windowSeconds: 60,
    offeredTokens,
    deliveredTokens: offeredTokens,
    deliveredEvents: offeredTokens,
    latency: latency(1, 3),
    tokensPerSecondPerGateway: sessions * 30,
    gatewayCpuMicrosPerToken: 20,
    infraCpuMicrosPerToken: 0,
    gatewayRssBytes: 100 * 1024 * 1024,
    lost: 0,
    duplicated: 0,
    reordered: 0,
    failedSessions: 0,
    passed: true,
    failures: [],
    ...overrides,
  };
}

/** A fresh copy on every call, so that tests can change it. */
export function benchResultsFixture(): BenchResults {
  return {
    startedAt: '2026-05-01T10:00:00.000Z',
    finishedAt: '2026-05-01T11:12:30.000Z',
    command: 'npm run bench -- --ladder 100,1000 --rate 30',
    machine: {
      cpuModel: 'AMD EPYC 7B13',
      cores: 2,
      memoryGiB: 23.4,
      os: 'Linux 6.8.0 x64',
      node: 'v20.20.2',
    },
    versions: { rocketmq: '5.5.0', 'redis-server': '7.0.15', 'socket.io': '4.8.1' },
    settings: {
      ladder: [100, 1000],
      tokensPerSecond: 30,
      warmupSeconds: 10,
      windowSeconds: 60,
      passRule: 'delivered ≥ 99.9 % of offered, p99 ≤ 100 ms, no loss',
      capacitySessions: 10_000,
      resumeSessions: 200,
      paths: ['litesession', 'direct', 'redis'],
    },
    ladder: [
      ladderStep('litesession', 100, { latency: latency(2, 4), gatewayCpuMicrosPerToken: 40 }),
      ladderStep('litesession', 1000, { latency: latency(3, 6), gatewayCpuMicrosPerToken: 45 }),
      ladderStep('direct', 100, { latency: latency(1, 2) }),
      ladderStep('direct', 1000, { latency: latency(1.5, 3), gatewayCpuMicrosPerToken: 15 }),
      ladderStep('redis', 100, { latency: latency(2.5, 5), gatewayCpuMicrosPerToken: 50 }),
    ],
    capacity: [
      {
        path: 'litesession',
        target: 10_000,
        reached: 10_000,
        samples: [
          { sessions: 0, gatewayRssBytes: 80 * 1024 * 1024 },
          { sessions: 5000, gatewayRssBytes: 150 * 1024 * 1024 },
          { sessions: 10_000, gatewayRssBytes: 230 * 1024 * 1024 },
        ],
        bytesPerSession: 15 * 1024,
        openRatePerSecond: 480,
        subscribe: latency(4, 40, 2000),
        errors: 0,
      },
      {
        path: 'direct',
        target: 10_000,
        reached: 10_000,
        samples: [
          { sessions: 0, gatewayRssBytes: 60 * 1024 * 1024 },
          { sessions: 10_000, gatewayRssBytes: 160 * 1024 * 1024 },
        ],
        bytesPerSession: 10 * 1024,
        openRatePerSecond: 900,
        errors: 0,
      },
    ],
    resume: [
      {
        path: 'litesession',
        sessions: 200,
        tokensPerSecond: 30,
        supported: true,
        resumed: 200,
        resumeMs: Array.from({ length: 200 }, (_, i) => 40 + i),
        resume: latency(140, 250, 200),
        reconnect: latency(110, 180, 200),
        lost: 0,
        duplicated: 12,
      },
      {
        path: 'direct',
        sessions: 200,
        tokensPerSecond: 30,
        supported: false,
        resumed: 0,
        resumeMs: [],
        resume: latency(0, 0, 0),
        reconnect: latency(100, 170, 200),
        lost: 1830,
        duplicated: 0,
        note: 'the stream dies with the process',
      },
      {
        path: 'redis',
        sessions: 200,
        tokensPerSecond: 30,
        supported: true,
        resumed: 200,
        resumeMs: Array.from({ length: 200 }, (_, i) => 20 + i / 2),
        resume: latency(70, 118, 200),
        reconnect: latency(105, 175, 200),
        lost: 0,
        duplicated: 3,
      },
    ],
    // Turn 1 at 80 ms and turn 50 at 110 ms (limit 1.2 × 80 + 20 = 116); new sessions' first turns 50-249 ms
    // (p50 149, p99 247), the same in each of the 3 runs.
    conversation: [
      {
        path: 'litesession',
        turns: 50,
        tokensPerSecond: 300,
        replyTokens: 100,
        runs: Array.from({ length: 3 }, () => ({
          turnStartedMs: Array.from({ length: 50 }, (_, i) => (i === 0 ? 80 : i === 49 ? 110 : 90)),
          firstTokenMs: Array.from({ length: 50 }, () => 95),
          logEvents: Array.from({ length: 50 }, (_, i) => i * 30),
          firstTurnStartedMs: Array.from({ length: 200 }, (_, i) => 50 + i),
        })),
      },
    ],
    // 20 sessions: p99 80, 90, 95 ms over 3 runs (median 90); 200 sessions: 250, 310, 280 (median 280);
    // 5,000-event logs: 120 ms in each run. No run of the 50-event cell.
    resumeMatrix: [
      ...[80, 90, 95].map((p99, index) => resumeRun(20, 0, p99, index + 1)),
      ...[250, 310, 280].map((p99, index) => resumeRun(200, 0, p99, index + 1)),
      ...[1, 2, 3].map((run) => resumeRun(20, 5000, 120, run)),
    ],
    // History memory: empty 20, 19 and 21 KiB/session against 22, 24 and 21 with history (ratios 1.10,
    // 1.26, 1.00: median 1.10; KiB medians 20 and 22).
    historyMemory: [
      [20, 22],
      [19, 24],
      [21, 21],
    ].map(([empty = 0, history = 0]) => ({
      path: 'litesession',
      sessions: 500,
      leftOut: 0,
      turns: 20,
      medianLogEvents: 1400,
      emptySamples: [],
      historySamples: [],
      emptyBytesPerSession: empty * 1024,
      historyBytesPerSession: history * 1024,
    })),
    // Takeover: SIGKILL p99 4,000, 5,200 and 4,800 ms over 3 runs (median 4,800; the first run from
    // before results said how the scheduler stopped); SIGTERM with a 2 s grace p99 300, 1,200 and 800 ms
    // (median 800). 10 turns on the stopped scheduler each time, all restarted.
    takeover: [
      ...[4000, 5200, 4800].map((p99, index) => ({
        ...takeoverRun(index + 1, p99),
        ...(index === 0 ? {} : { stop: 'SIGKILL' as const, graceMs: 0 }),
      })),
      ...[300, 1200, 800].map((p99, index) => ({
        ...takeoverRun(index + 1, p99),
        stop: 'SIGTERM' as const,
        graceMs: 2000,
      })),
    ],
  };
}

function takeoverRun(run: number, p99: number): TakeoverResult {
  return {
    path: 'litesession',
    run,
    sessions: 20,
    victimTurns: 10,
    restarted: 10,
    restartMs: [],
    restart: latency(p99 / 2, p99, 10),
    lost: 0,
    duplicated: 0,
  };
}

function resumeRun(sessions: number, askedLogEvents: number, p99: number, run: number): ResumeResult {
  return {
    path: 'litesession',
    sessions,
    tokensPerSecond: 100,
    supported: true,
    resumed: sessions,
    resumeMs: [],
    resume: latency(p99 / 2, p99, sessions),
    reconnect: latency(100, 150, sessions),
    logEvents: askedLogEvents + 7,
    askedLogEvents,
    run,
    lost: 0,
    duplicated: 0,
  };
}
