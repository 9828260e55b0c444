/** One line per step of the model tools, prefixed like the other tools' output. */
export function say(message: string): void {
  process.stdout.write(`[model] ${message}\n`);
}

/**
 * Runs `task`, saying every `everyMs` that it is still running and for how long: long steps (a build of
 * several minutes) show they are alive even when the command underneath prints nothing.
 */
export async function withHeartbeat<T>(label: string, task: () => Promise<T>, everyMs = 15_000): Promise<T> {
  const started = Date.now();
  const timer = setInterval(() => say(`${label}: still running (${elapsed(started)})`), everyMs);
  timer.unref();
  try {
    const result = await task();
    say(`${label}: done in ${elapsed(started)}`);
    return result;
  } finally {
    clearInterval(timer);
  }
}

export function elapsed(since: number, now = Date.now()): string {
  const seconds = Math.round((now - since) / 1000);
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}
