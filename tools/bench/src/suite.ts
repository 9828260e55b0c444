import { readFileSync } from 'node:fs';
import { cpus, release, totalmem, type } from 'node:os';
import path from 'node:path';
import { ROOT } from '@litesession/stack-tools';
import type { BenchPath } from './paths/bench-path';
import { directPath } from './paths/direct-path';
import { type BrokerHandle, litesessionPath, startRocketMQ } from './paths/litesession-path';
import { redisPath, redisVersion } from './paths/redis-path';
import type {
  BenchResults,
  BenchSettings,
  ConversationResult,
  HistoryMemoryResult,
  LadderStep,
  ResumeResult,
  MachineInfo,
  PathName,
  TakeoverStop,
} from './results';
import { runCapacity } from './scenarios/capacity';
import { passRule, runLadderStep } from './scenarios/ladder-step';
import { runResume } from './scenarios/resume';
import { runTakeover } from './scenarios/takeover';
import { runHistoryMemory } from './scenarios/history-memory';
import { CONVERSATION_REPLY_TOKENS, runConversation } from './scenarios/conversation';
import type { ScenarioContext, ScenarioSettings } from './scenarios/scenario-context';
import { toMessage } from '@litesession/edge/errors';

const WARMUP_SESSIONS = 20;
/** New sessions' first turns per conversation run: the spread of the turn-1 cost. */
const CONVERSATION_FIRST_TURNS = 30;
/** Sessions of the resume matrix's log-length cells. */
export const RESUME_DEPTH_SESSIONS = 20;

/** Below this share of the offered tokens a path is overloaded and stops climbing the ladder. */
const CARRY_RATIO = 0.9;

export interface SuiteOptions extends ScenarioSettings {
  /** LiteSession traffic before anything is measured, so that the broker JVMs are past JIT compilation. */
  jvmWarmupSeconds: number;
  paths: PathName[];
  ladder: number[];
  capacitySessions: number;
  capacitySteps: number;
  resumeSessions: number;
  /** Turns of one conversation in the conversation scenario (0: skip it). */
  conversationTurns: number;
  /** Runs of the conversation scenario per path, interleaved path by path. */
  conversationRuns: number;
  /** Resume matrix: sessions resuming at once (logs as the warm-up left them). */
  resumeCounts: number[];
  /** Resume matrix: log lengths (events per session) to resume at, with RESUME_DEPTH_SESSIONS sessions. */
  resumeDepths: number[];
  /** Runs of each resume matrix cell per path (0: skip the matrix). */
  resumeRuns: number;
  /** Takeover scenario (LiteSession only): sessions streaming over two schedulers, and runs (0: skip). */
  takeoverSessions: number;
  takeoverRuns: number;
  /** Ways of stopping the scheduler; takeoverRuns runs of each. */
  takeoverStops: TakeoverStop[];
  /** History-memory scenario: sessions with `historyTurns` turns against as many empty ones (0: skip). */
  historySessions: number;
  historyTurns: number;
  historyRuns: number;
  /** The command line, for the report. */
  command: string;
}

/**
 * The whole benchmark: the load ladder (paths interleaved step by step, so that drift hits them alike; a
 * path stops climbing once overloaded), then the capacity ramp, then the resume test, for
 * every path. RocketMQ is started once for the run.
 */
export async function runSuite(options: SuiteOptions, say: (line: string) => void): Promise<BenchResults> {
  const startedAt = new Date().toISOString();
  const broker = options.paths.includes('litesession') ? await startRocketMQ() : undefined;
  const versions = await collectVersions(broker);
  const results: BenchResults = {
    startedAt,
    finishedAt: startedAt,
    command: options.command,
    machine: machineInfo(),
    versions,
    settings: settingsOf(options),
    ladder: [],
    capacity: [],
    resume: [],
    conversation: [],
  };
  const context = (path: BenchPath, scenario: string): ScenarioContext => ({
    path,
    settings: options,
    progress: (line) => say(`${scenario} ${path.name}: ${line}`),
  });
  try {
    const paths = options.paths.map((name) => pathOf(name, broker));
    const litesession = paths.find((path) => path.name === 'litesession');
    if (litesession && options.jvmWarmupSeconds > 0) await warmUpJvms(litesession, options, say);
    const climbing = new Set(paths);
    for (const sessions of options.ladder) {
      for (const path of paths.filter((candidate) => climbing.has(candidate))) {
        const scenario = `ladder ${sessions}×${options.tokensPerSecond} tok/s`;
        say(`${scenario} ${path.name}: starting`);
        const step = await guard(say, () => runLadderStep(context(path, scenario), sessions));
        if (!step) {
          climbing.delete(path);
          continue;
        }
        results.ladder.push(step);
        say(`${scenario} ${path.name}: ${describeStep(step)}`);
        if (overloaded(step)) climbing.delete(path);
      }
    }
    for (const path of options.capacitySessions > 0 ? paths : []) {
      say(`capacity ${path.name}: ramping to ${options.capacitySessions.toLocaleString('en')} idle sessions`);
      const capacity = await guard(say, () =>
        runCapacity(context(path, 'capacity'), options.capacitySessions, options.capacitySteps),
      );
      if (capacity) results.capacity.push(capacity);
    }
    if (options.conversationTurns > 0) {
      results.conversation = await runConversations(paths, options, context, say);
    }
    if (options.resumeRuns > 0) results.resumeMatrix = await runResumeMatrix(paths, options, context, say);
    if (options.historySessions > 0)
      results.historyMemory = await runHistoryMemories(paths, options, context, say);
    if (litesession && options.takeoverSessions > 0) {
      results.takeover = [];
      for (const stop of options.takeoverStops) {
        for (let run = 1; run <= options.takeoverRuns; run += 1) {
          const scenario = `takeover ${stop} run ${run}/${options.takeoverRuns}`;
          say(`${scenario} litesession: ${options.takeoverSessions} sessions, ${stop} of a scheduler`);
          const result = await guard(say, () =>
            runTakeover(context(litesession, scenario), options.takeoverSessions, run, stop),
          );
          if (result) results.takeover.push(result);
        }
      }
    }
    for (const path of options.resumeSessions > 0 ? paths : []) {
      say(`resume ${path.name}: ${options.resumeSessions} sessions, SIGKILL of their gateway`);
      const resume = await guard(say, () => runResume(context(path, 'resume'), options.resumeSessions));
      if (resume) results.resume.push(resume);
    }
  } finally {
    await broker?.stop();
  }
  results.finishedAt = new Date().toISOString();
  return results;
}

/**
 * Issue 11's resume runs: every cell (sessions resuming at once; log length) on every path that can
 * resume, run 1 of everything first, then run 2, …, so that drift hits all alike.
 */
async function runResumeMatrix(
  paths: BenchPath[],
  options: SuiteOptions,
  context: (path: BenchPath, scenario: string) => ScenarioContext,
  say: (line: string) => void,
): Promise<ResumeResult[]> {
  const cells = [
    ...options.resumeCounts.map((sessions) => ({ sessions, logEvents: 0 })),
    ...options.resumeDepths.map((logEvents) => ({ sessions: RESUME_DEPTH_SESSIONS, logEvents })),
  ];
  const measured: ResumeResult[] = [];
  for (let run = 1; run <= options.resumeRuns; run += 1) {
    for (const cell of cells) {
      for (const path of paths.filter((candidate) => candidate.name !== 'direct')) {
        const scenario = `resume run ${run}/${options.resumeRuns}, ${cell.sessions} sessions${cell.logEvents > 0 ? `, ${cell.logEvents}-event logs` : ''}`;
        say(`${scenario} ${path.name}: starting`);
        const result = await guard(say, () =>
          runResume(context(path, scenario), cell.sessions, cell.logEvents),
        );
        if (!result) continue;
        measured.push({ ...result, run, askedLogEvents: cell.logEvents });
        say(
          `${scenario} ${path.name}: p99 ${result.resume.p99.toFixed(1)} ms, ${result.resumed}/${result.sessions} resumed`,
        );
      }
    }
  }
  return measured;
}

/** History-memory runs interleaved path by path (run 1 of every path, then run 2, …). */
async function runHistoryMemories(
  paths: BenchPath[],
  options: SuiteOptions,
  context: (path: BenchPath, scenario: string) => ScenarioContext,
  say: (line: string) => void,
): Promise<HistoryMemoryResult[]> {
  const measured: HistoryMemoryResult[] = [];
  for (let run = 1; run <= options.historyRuns; run += 1) {
    for (const path of paths.filter((candidate) => candidate.name !== 'direct')) {
      const scenario = `history memory run ${run}/${options.historyRuns}`;
      say(`${scenario} ${path.name}: ${options.historySessions} sessions × ${options.historyTurns} turns`);
      const result = await guard(say, () =>
        runHistoryMemory(context(path, scenario), options.historySessions, options.historyTurns),
      );
      if (result) measured.push(result);
    }
  }
  return measured;
}

/** Conversation runs interleaved path by path (run 1 of every path, then run 2, …), so drift hits all alike. */
async function runConversations(
  paths: BenchPath[],
  options: SuiteOptions,
  context: (path: BenchPath, scenario: string) => ScenarioContext,
  say: (line: string) => void,
): Promise<ConversationResult[]> {
  const byPath = new Map<BenchPath, ConversationResult>();
  for (const path of paths.filter((candidate) => candidate.name !== 'direct')) {
    byPath.set(path, {
      path: path.name,
      turns: options.conversationTurns,
      tokensPerSecond: options.tokensPerSecond,
      replyTokens: CONVERSATION_REPLY_TOKENS,
      runs: [],
    });
  }
  for (let run = 1; run <= options.conversationRuns; run += 1) {
    for (const [path, result] of byPath) {
      const scenario = `conversation run ${run}/${options.conversationRuns}`;
      say(`${scenario} ${path.name}: ${options.conversationTurns} turns`);
      const measured = await guard(say, () =>
        runConversation(context(path, scenario), options.conversationTurns, CONVERSATION_FIRST_TURNS),
      );
      if (measured) result.runs.push(measured);
    }
  }
  return [...byPath.values()];
}

/**
 * A fresh broker and proxy spend their first minute or two JIT-compiling: with 10 sessions streaming, the
 * proxy's CPU fell from 81 % to 40 % of a core over 90 s at the same load (docs/benchmarks.md). Measuring
 * that would charge LiteSession for start-up, so some traffic runs first, unrecorded.
 */
async function warmUpJvms(
  path: BenchPath,
  options: SuiteOptions,
  say: (line: string) => void,
): Promise<void> {
  say(`warm-up: ${WARMUP_SESSIONS} LiteSession sessions for ${options.jvmWarmupSeconds} s (not measured)`);
  const warmup: ScenarioContext = {
    path,
    settings: { ...options, warmupSeconds: 0, windowSeconds: options.jvmWarmupSeconds },
    progress: () => undefined,
  };
  await guard(say, () => runLadderStep(warmup, WARMUP_SESSIONS));
}

function pathOf(name: PathName, broker: BrokerHandle | undefined): BenchPath {
  switch (name) {
    case 'direct':
      return directPath;
    case 'redis':
      return redisPath;
    case 'litesession':
      if (!broker) throw new Error('the LiteSession path needs the broker');
      return litesessionPath(broker);
  }
}

/**
 * A path keeps climbing past a step that failed only on latency, so that the report shows where it lands
 * at every load it can still carry; it stops once it falls behind what is offered (or sessions fail).
 */
function overloaded(step: LadderStep): boolean {
  return step.failedSessions > 0 || step.deliveredTokens < step.offeredTokens * CARRY_RATIO;
}

/** A scenario that throws is reported and skipped; the rest of the run goes on. */
async function guard<T>(say: (line: string) => void, run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch (error) {
    say(`FAILED: ${toMessage(error)}`);
    return undefined;
  }
}

function describeStep(step: LadderStep): string {
  const verdict = step.passed ? 'pass' : `FAIL (${step.failures.join('; ')})`;
  return (
    `${Math.round(step.tokensPerSecondPerGateway).toLocaleString('en')} tok/s, ` +
    `p50 ${step.latency.p50.toFixed(2)} ms, p99 ${step.latency.p99.toFixed(2)} ms, ` +
    `gateway ${step.gatewayCpuMicrosPerToken.toFixed(1)} µs CPU/token: ${verdict}`
  );
}

function settingsOf(options: SuiteOptions): BenchSettings {
  return {
    ladder: options.ladder,
    tokensPerSecond: options.tokensPerSecond,
    warmupSeconds: options.warmupSeconds,
    windowSeconds: options.windowSeconds,
    passRule: passRule(options.p99BoundMs),
    capacitySessions: options.capacitySessions,
    resumeSessions: options.resumeSessions,
    conversationTurns: options.conversationTurns,
    conversationRuns: options.conversationRuns,
    resumeCounts: options.resumeCounts,
    resumeDepths: options.resumeDepths,
    resumeRuns: options.resumeRuns,
    takeoverSessions: options.takeoverSessions,
    takeoverRuns: options.takeoverRuns,
    historySessions: options.historySessions,
    historyTurns: options.historyTurns,
    historyRuns: options.historyRuns,
    paths: options.paths,
  };
}

function machineInfo(): MachineInfo {
  return {
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${type()} ${release()}`,
    node: process.version,
  };
}

async function collectVersions(broker: BrokerHandle | undefined): Promise<Record<string, string>> {
  const versions: Record<string, string> = {};
  for (const name of ['socket.io', 'socket.io-client', 'rocketmq-client-nodejs', 'ioredis', '@nestjs/core']) {
    const manifest = path.join(ROOT, 'node_modules', name, 'package.json');
    versions[name] = (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
  }
  if (broker) versions['rocketmq'] = broker.version;
  const redis = await redisVersion();
  if (redis) versions['redis-server'] = redis;
  return versions;
}
