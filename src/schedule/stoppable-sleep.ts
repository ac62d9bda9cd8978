/** Sleeps that a stop cuts short, so shutting down never waits out a Retry-After or a backoff. */
export class StoppableSleep {
  private stopped = false;
  private readonly wakers = new Set<() => void>();

  /** `replacement` sleeps instead of a timer (tests move a clock on). */
  constructor(private readonly replacement?: (ms: number) => Promise<void>) {}

  sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.replacement) return this.replacement(ms);
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakers.add(wake);
    });
  }

  /** Wakes every sleeper now; later sleeps return at once. */
  stop(): void {
    this.stopped = true;
    for (const wake of [...this.wakers]) wake();
  }
}
