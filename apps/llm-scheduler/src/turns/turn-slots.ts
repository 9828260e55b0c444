/**
 * At most `limit` turns generate at once in this process: the model's capacity. Only generation holds a
 * slot; reading the log before a turn (and deciding that a repeated request is not run) does not, so that
 * the repeats an outage leaves behind cannot keep a new session's turn waiting (the proxy drill: a new
 * session's first token 11.6 s after the restart, behind eight slots busy with such checks).
 */
export class TurnSlots {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limit: number) {}

  get running(): number {
    return this.active;
  }

  /** Turns waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Runs `task` in a slot, in arrival order; an abort while still waiting rejects with the signal's reason. */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.active >= this.limit) await this.waitForSlot(signal);
    else this.active += 1;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    }
  }

  /** Resolves when a finishing task hands its slot over (the count stays as it is). */
  private waitForSlot(signal: AbortSignal | undefined): Promise<void> {
    signal?.throwIfAborted();
    return new Promise<void>((resolve, reject) => {
      const take = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        const at = this.waiting.indexOf(take);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(take);
    });
  }
}
