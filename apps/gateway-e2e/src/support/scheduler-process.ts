import { AppProcess } from './app-process';

/** Simulated model speed for e2e: 60 tokens at 20/s, so a turn lasts about 3 s (long enough to kill things mid-stream). */
export const E2E_MODEL = { SIM_TOKENS_PER_SECOND: '20', SIM_REPLY_TOKENS: '60' };

/** An LLM scheduler (apps/llm-scheduler) with the simulated model, as its own process. */
export class SchedulerProcess {
  private constructor(
    readonly process: AppProcess,
    readonly nodeId: string,
  ) {}

  static async start(nodeId: string, env: Record<string, string> = {}): Promise<SchedulerProcess> {
    const node = await AppProcess.start({
      app: 'llm-scheduler',
      name: `scheduler ${nodeId}`,
      env: { SCHEDULER_NODE_ID: nodeId, LLM_PROVIDER: 'simulated', ...E2E_MODEL, ...env },
    });
    return new SchedulerProcess(node, nodeId);
  }

  /** Turns this scheduler is running now, from its own /metrics. */
  async runningTurns(): Promise<number> {
    const text = await fetch(`${this.process.url}/metrics`).then((r) => r.text());
    const match = /^litesession_scheduler_turns_running (\d+)/m.exec(text);
    return match ? Number(match[1]) : 0;
  }

  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    return this.process.stop(signal);
  }
}
