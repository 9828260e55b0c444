import type { BenchPath } from '../paths/bench-path';

/** What every scenario gets: the path to measure, the settings, and a progress line printer. */
export interface ScenarioContext {
  path: BenchPath;
  settings: ScenarioSettings;
  progress(line: string): void;
}

export interface ScenarioSettings {
  tokensPerSecond: number;
  warmupSeconds: number;
  windowSeconds: number;
  /** The pass rule's latency bound. */
  p99BoundMs: number;
  /** Client worker processes. */
  workers: number;
  /** Handshakes in flight per worker while sessions open. */
  openConcurrency: number;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
