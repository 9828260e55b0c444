// What the bench has started and must stop if it is interrupted (Ctrl-C, SIGTERM) mid-scenario: the
// servers run in process groups of their own, so the terminal's signal does not reach them.

type Cleanup = () => unknown;
const cleanups = new Set<Cleanup>();

/** Registers `cleanup` to run on interruption; call the returned function once it is no longer needed. */
export function stopOnInterrupt(cleanup: Cleanup): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/** Runs every registered cleanup (each at most `timeoutMs`), newest first. */
export async function runCleanups(timeoutMs = 30_000): Promise<void> {
  for (const cleanup of [...cleanups].reverse()) {
    cleanups.delete(cleanup);
    await Promise.race([
      Promise.resolve()
        .then(cleanup)
        .catch(() => undefined),
      new Promise((resolve) => setTimeout(resolve, timeoutMs).unref()),
    ]);
  }
}
