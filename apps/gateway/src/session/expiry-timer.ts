/** setTimeout's longest delay (about 24.8 days); a longer one would fire at once. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/**
 * Calls `onExpiry` at `at` (ms since the epoch; never when undefined). Delays beyond setTimeout's range
 * are re-armed until reached. Returns a function that cancels it.
 */
export function expiryTimer(at: number | undefined, onExpiry: () => void): () => void {
  if (at === undefined || !Number.isFinite(at)) return () => undefined;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    const delay = Math.max(0, at - Date.now());
    timer = setTimeout(delay > MAX_DELAY_MS ? arm : onExpiry, Math.min(delay, MAX_DELAY_MS));
    timer.unref();
  };
  arm();
  return () => clearTimeout(timer);
}
