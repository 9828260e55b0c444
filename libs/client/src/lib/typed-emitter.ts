/**
 * A minimal typed event emitter (no Node `events`, so it runs in browsers). A listener that throws does
 * not stop the others nor the caller: its error is rethrown on its own task, where it is reported as
 * uncaught.
 */
export class TypedEmitter<Events extends object> {
  private readonly listeners = new Map<keyof Events, Set<(payload: never) => void>>();

  /** Adds a listener; adding the same one twice has no effect. */
  on<Name extends keyof Events>(name: Name, listener: (payload: Events[Name]) => void): this {
    let set = this.listeners.get(name);
    if (!set) {
      set = new Set();
      this.listeners.set(name, set);
    }
    set.add(listener);
    return this;
  }

  /** Removes a listener added with `on`. */
  off<Name extends keyof Events>(name: Name, listener: (payload: Events[Name]) => void): this {
    this.listeners.get(name)?.delete(listener);
    return this;
  }

  protected emit<Name extends keyof Events>(name: Name, payload: Events[Name]): void {
    const set = this.listeners.get(name);
    if (!set) return;
    for (const listener of [...set] as Array<(payload: Events[Name]) => void>) {
      try {
        listener(payload);
      } catch (error) {
        setTimeout(() => {
          throw error;
        });
      }
    }
  }
}
