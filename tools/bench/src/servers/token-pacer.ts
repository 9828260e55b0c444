const FILLER = 'and so the answer keeps streaming one token after another until it is done'.split(' ');

/** The simulated model's tokens for the baselines: words with a trailing space, like the scheduler's. */
export function benchToken(index: number): string {
  return `${FILLER[index % FILLER.length]} `;
}

/**
 * Calls `emit(index)` for tokens 0…count-1 at `tokensPerSecond`, paced against the start (a late timer
 * does not stretch the stream), like the scheduler's simulated model. Resolves after the last one or once
 * `signal` aborts.
 */
export function paceTokens(
  count: number,
  tokensPerSecond: number,
  emit: (index: number) => void,
  signal: AbortSignal,
): Promise<void> {
  const interval = 1000 / tokensPerSecond;
  const started = performance.now();
  return new Promise((resolve) => {
    let index = 0;
    const tick = () => {
      if (signal.aborted) return resolve();
      // Every token that is due by now, then sleep until the next one.
      while (index < count && started + index * interval <= performance.now()) emit(index++);
      if (index >= count) return resolve();
      setTimeout(tick, Math.max(0, started + index * interval - performance.now()));
    };
    tick();
  });
}
