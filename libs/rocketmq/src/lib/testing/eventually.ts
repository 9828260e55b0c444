/**
 * Polls `check` until it returns true, for tests against real processes where no event says "done";
 * fails with `what` after `timeoutMs`. Unit tests use explicit deferreds instead.
 */
export async function eventually(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
