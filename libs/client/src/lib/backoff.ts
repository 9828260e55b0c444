/** Reconnect delays. */
export interface BackoffOptions {
  /** @default 250 */
  initialDelayMs?: number;
  /** @default 5000 */
  maxDelayMs?: number;
}

export const DEFAULT_INITIAL_DELAY_MS = 250;
export const DEFAULT_MAX_DELAY_MS = 5000;

/**
 * Jittered exponential backoff ("equal jitter"): the n-th delay is drawn from [d/2, d] where
 * d = min(maxDelayMs, initialDelayMs * 2^(n-1)), so that clients dropped together spread out.
 */
export class Backoff {
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;
  private attempts = 0;

  constructor(
    options: BackoffOptions = {},
    private readonly random: () => number = Math.random,
  ) {
    this.initialDelayMs = Math.max(0, options.initialDelayMs ?? DEFAULT_INITIAL_DELAY_MS);
    this.maxDelayMs = Math.max(this.initialDelayMs, options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS);
  }

  /** The delay before the next attempt (ms); each call counts one attempt. */
  next(): number {
    const ceiling = Math.min(this.maxDelayMs, this.initialDelayMs * 2 ** this.attempts);
    this.attempts += 1;
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
  }

  /** Starts over from `initialDelayMs`. */
  reset(): void {
    this.attempts = 0;
  }
}
