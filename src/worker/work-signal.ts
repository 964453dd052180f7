/** Lets a sleeping loop wake early when this process learns of new work (or of a stop). */
export class WorkSignal {
  #waiters = new Set<() => void>();

  notify(): void {
    for (const wake of this.#waiters) wake();
    this.#waiters.clear();
  }

  /** Resolves after `ms`, or sooner on notify(). */
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.#waiters.add(done);
    });
  }
}
