/** What the coalescer hands to its writer: the folded tokens and when the model yielded the first of them. */
export interface CoalescedTokens {
  text: string;
  /** Epoch ms at which the model yielded the first token in `text`: what token latency is measured from. */
  firstTokenAt: number;
}

/**
 * Folds a turn's tokens into `token` events, Nagle-style: a token is written at once when no write is in
 * flight, and the tokens that arrive while one is go out together right after it. So an idle path adds no
 * delay, and a busy one (slow broker round trips, a fast model) writes fewer, larger events by itself.
 * With `windowMs` > 0 a write also waits that long after its first token, to fold more (fewer messages,
 * more latency). Writes happen one at a time, in order. After a failed write nothing more is written:
 * check `failed` and call `close()`, which throws it.
 */
export class TokenCoalescer {
  private buffer = '';
  private bufferStartedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private failure: { error: unknown } | undefined;

  constructor(
    private readonly windowMs: number,
    private readonly write: (tokens: CoalescedTokens) => Promise<void>,
    private readonly now: () => number = Date.now,
  ) {}

  get failed(): boolean {
    return this.failure !== undefined;
  }

  push(token: string): void {
    if (this.failure || token === '') return;
    if (this.buffer === '') this.bufferStartedAt = this.now();
    this.buffer += token;
    if (this.timer || this.writing) return;
    if (this.windowMs <= 0) {
      this.startWriting();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.startWriting();
    }, this.windowMs);
  }

  /** Writes what is left; resolves when everything pushed is written, or throws the first write error. */
  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.writing;
    this.startWriting();
    await this.writing;
    if (this.failure) throw this.failure.error;
  }

  private startWriting(): void {
    if (this.writing || this.buffer === '' || this.failure) return;
    this.writing = this.writeAll().finally(() => {
      this.writing = undefined;
    });
  }

  private async writeAll(): Promise<void> {
    try {
      while (this.buffer !== '') {
        const tokens = { text: this.buffer, firstTokenAt: this.bufferStartedAt };
        this.buffer = '';
        await this.write(tokens);
      }
    } catch (error) {
      this.failure = { error };
    }
  }
}
