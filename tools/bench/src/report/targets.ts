import type { BenchResults, LadderStep } from '../results';
import { formatMs, formatNumber } from './format';

/** Where one of the targets landed; targets are reported, not enforced. */
export interface TargetOutcome {
  target: string;
  measured: string;
  status: 'met' | 'not met' | 'not measured';
}

const LATENCY_SESSIONS = 1000;
const LATENCY_TOKENS_PER_SECOND = 30;
const RESUME_P99_MS = 300;
const CAPACITY_SESSIONS = 10_000;
const CAPACITY_BYTES_PER_SESSION = 20 * 1024;
const TOKENS_PER_SECOND_PER_GATEWAY = 50_000;

/** The four targets of the issue, each with LiteSession's measured value from `results`. */
export function evaluateTargets(results: BenchResults): TargetOutcome[] {
  return [latencyTarget(results), resumeTarget(results), capacityTarget(results), throughputTarget(results)];
}

function latencyTarget({ ladder }: BenchResults): TargetOutcome {
  const target = '1,000 sessions × 30 tok/s: p99 token latency ≤ 1.5 × direct + 5 ms';
  const atLoad = (path: string) =>
    ladder.find((s) => s.path === path && s.sessions === LATENCY_SESSIONS && s.latency.count > 0);
  const [lite, direct] = [atLoad('litesession'), atLoad('direct')];
  if (!lite || !direct) {
    const absent = [!lite && 'LiteSession', !direct && 'direct'].filter(Boolean).join(' and ');
    return { target, measured: `no latency at 1,000 sessions for ${absent}`, status: 'not measured' };
  }
  const limit = 1.5 * direct.latency.p99 + 5;
  const rate =
    lite.tokensPerSecond === LATENCY_TOKENS_PER_SECOND ? '' : ` (ran at ${lite.tokensPerSecond} tok/s)`;
  return {
    target,
    measured: `p99 ${formatMs(lite.latency.p99)} ms vs limit ${formatMs(limit)} ms (direct p99 ${formatMs(direct.latency.p99)} ms)${rate}`,
    status: lite.latency.p99 <= limit ? 'met' : 'not met',
  };
}

/** Met only when every session resumed: a p99 over the survivors alone would flatter a lossy run. */
function resumeTarget({ resume }: BenchResults): TargetOutcome {
  const target = `Resume after SIGKILL: p99 ≤ ${RESUME_P99_MS} ms`;
  const lite = resume.find((r) => r.path === 'litesession');
  if (!lite || !lite.supported || lite.sessions === 0) {
    return { target, measured: 'LiteSession resume not run', status: 'not measured' };
  }
  const resumed = `${formatNumber(lite.resumed)}/${formatNumber(lite.sessions)} sessions resumed`;
  if (lite.resumed === 0) return { target, measured: `no session resumed (${resumed})`, status: 'not met' };
  return {
    target,
    measured: `p99 ${formatMs(lite.resume.p99)} ms (${resumed}, ${formatNumber(lite.lost)} tokens lost)`,
    status: lite.resume.p99 <= RESUME_P99_MS && lite.resumed === lite.sessions ? 'met' : 'not met',
  };
}

/** A ramp configured below 10,000 sessions cannot tell whether 10,000 would fit. */
function capacityTarget({ capacity }: BenchResults): TargetOutcome {
  const target = '≥ 10,000 connected sessions per gateway node at ≤ 20 KiB each';
  const lite = capacity.find((c) => c.path === 'litesession');
  if (!lite) return { target, measured: 'LiteSession capacity not run', status: 'not measured' };
  const measured = `${formatNumber(lite.reached)} sessions (of ${formatNumber(lite.target)}) at ${formatNumber(lite.bytesPerSession / 1024, 1)} KiB each`;
  // A slope of 0 or less comes from too few samples or a GC between them, not from free sessions.
  if (!(lite.bytesPerSession > 0))
    return { target, measured: `${measured}: no usable memory slope`, status: 'not measured' };
  const small = lite.bytesPerSession <= CAPACITY_BYTES_PER_SESSION;
  if (lite.reached >= CAPACITY_SESSIONS) return { target, measured, status: small ? 'met' : 'not met' };
  if (lite.target < CAPACITY_SESSIONS) {
    return {
      target,
      measured: `${measured}; ramp set below 10,000`,
      status: small ? 'not measured' : 'not met',
    };
  }
  return { target, measured, status: 'not met' };
}

function throughputTarget({ ladder }: BenchResults): TargetOutcome {
  const target = '≥ 50,000 tokens/s per gateway node';
  const steps = ladder.filter((s) => s.path === 'litesession');
  if (steps.length === 0) return { target, measured: 'LiteSession ladder not run', status: 'not measured' };
  const best = highest(steps.filter((s) => s.passed));
  if (!best) return { target, measured: 'no ladder step passed', status: 'not met' };
  const top = highest(steps) === best ? ', the highest step run' : '';
  return {
    target,
    measured: `${formatNumber(best.tokensPerSecondPerGateway)} tok/s at ${formatNumber(best.sessions)} sessions${top}`,
    status: best.tokensPerSecondPerGateway >= TOKENS_PER_SECOND_PER_GATEWAY ? 'met' : 'not met',
  };
}

function highest(steps: readonly LadderStep[]): LadderStep | undefined {
  return steps.reduce<LadderStep | undefined>(
    (best, s) => (!best || s.sessions > best.sessions ? s : best),
    undefined,
  );
}
