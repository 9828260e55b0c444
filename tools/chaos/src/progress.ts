/** The drill's progress lines carry the time of day, to be read beside the nodes' output files. */
export function log(line: string): void {
  console.log(`[chaos] ${new Date().toISOString().slice(11, 23)} ${line}`);
}

/** Sleeps `ms`, or less when `signal` aborts first. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
  });
}
