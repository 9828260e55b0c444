/** Runs tasks for one key in call order; tasks of different keys run concurrently. A failed task does not block the next. */
export class KeyedSerialQueue {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const result = (this.tails.get(key) ?? Promise.resolve()).then(task);
    const tail = result.then(noop, noop);
    this.tails.set(key, tail);
    // Forget the key once its last task is done, so idle sessions cost nothing.
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** True while a task for `key` is queued or running. */
  isBusy(key: string): boolean {
    return this.tails.has(key);
  }
}

function noop(): void {
  // intentionally empty
}
