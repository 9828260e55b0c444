// The harness end to end on the direct path (no broker needed): real server and client worker processes.
import { directPath } from '../paths/direct-path';
import { runCapacity } from './capacity';
import { runLadderStep } from './ladder-step';
import { runResume } from './resume';
import type { ScenarioContext } from './scenario-context';

jest.setTimeout(120_000);

const context: ScenarioContext = {
  path: directPath,
  settings: {
    tokensPerSecond: 20,
    warmupSeconds: 1,
    windowSeconds: 2,
    p99BoundMs: 1000,
    workers: 1,
    openConcurrency: 10,
  },
  progress: () => undefined,
};

describe('bench scenarios on the direct path', () => {
  it('a ladder step times every token of the window and finds nothing lost', async () => {
    const step = await runLadderStep(context, 10);
    expect(step.failedSessions).toBe(0);
    expect(step.offeredTokens).toBe(10 * 20 * 2);
    // ±1 token per session at the window's edges.
    expect(step.deliveredTokens).toBeGreaterThanOrEqual(step.offeredTokens - 10);
    expect(step.deliveredTokens).toBeLessThanOrEqual(step.offeredTokens + 10);
    expect(step.latency.count).toBe(step.deliveredEvents);
    expect(step.latency.p50).toBeGreaterThan(0);
    expect(step.latency.p99).toBeGreaterThanOrEqual(step.latency.p50);
    expect([step.lost, step.duplicated, step.reordered]).toEqual([0, 0, 0]);
    expect(step.gatewayCpuMicrosPerToken).toBeGreaterThan(0);
  });

  it('resume: every client reconnects to the other node, and the direct stream is gone', async () => {
    const resume = await runResume(context, 5);
    expect(resume.supported).toBe(false);
    expect(resume.reconnect.count).toBe(5);
    expect(resume.resumed).toBe(0);
  });

  it('capacity: opens the sessions step by step and fits memory per session', async () => {
    const capacity = await runCapacity(context, 200, 2);
    expect(capacity.reached).toBe(200);
    expect(capacity.samples.map((s) => s.sessions)).toEqual([0, 100, 200]);
    expect(capacity.errors).toBe(0);
    expect(capacity.openRatePerSecond).toBeGreaterThan(0);
  });
});
