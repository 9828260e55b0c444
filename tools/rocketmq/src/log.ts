/** Progress lines on stderr, so that commands whose stdout is parsed stay clean. */
export function say(message: string): void {
  process.stderr.write(`[rocketmq] ${message}\n`);
}

export function elapsed(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}
