/** Promises the runner is waiting on, so that idle() knows when nothing is left to do. */
export class PendingWork {
  private readonly pending = new Set<Promise<unknown>>();

  get size(): number {
    return this.pending.size;
  }

  /** Adds `p` until it settles; returns it. */
  track<T>(p: Promise<T>): Promise<T> {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p)).catch(() => undefined);
    return p;
  }

  /** A promise that is pending until the returned function is called. */
  hold(): () => void {
    let release = (): void => undefined;
    this.track(new Promise<void>((resolve) => (release = resolve)));
    return release;
  }

  /** Resolves once nothing is pending (work added meanwhile counts); rejects after `timeoutMs`. */
  async idle(timeoutMs: number, describe: () => string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.pending.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`workflow runner not idle after ${timeoutMs} ms: ${describe()}`);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...this.pending]),
        new Promise((resolve) => (timer = setTimeout(resolve, left))),
      ]);
      clearTimeout(timer);
    }
  }
}
