/**
 * Batches a turn's tokens into `token` events: tokens that arrive within `windowMs` of the first unwritten
 * one are written together, and while a write is in flight new tokens wait and go out together after it,
 * so a fast model costs the broker one message per window, not per token. Writes happen one at a time, in
 * order. After a failed write nothing more is written: check `failed` and call `close()`, which throws it.
 */
export class TokenCoalescer {
  private buffer = '';
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private failure: { error: unknown } | undefined;

  constructor(
    private readonly windowMs: number,
    private readonly write: (text: string) => Promise<void>,
  ) {}

  get failed(): boolean {
    return this.failure !== undefined;
  }

  push(token: string): void {
    if (this.failure || token === '') return;
    this.buffer += token;
    if (this.timer || this.writing) return;
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
        const text = this.buffer;
        this.buffer = '';
        await this.write(text);
      }
    } catch (error) {
      this.failure = { error };
    }
  }
}
