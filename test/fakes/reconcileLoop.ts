/**
 * How a fake's simulated controller runs: one pass after a burst of changes (on the next turn of
 * the event loop, so API calls answer before it acts, as in a real cloud), and again when the
 * pass says its next transition is due.
 */
export class ReconcileLoop {
  private scheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  /** `pass` does the work and returns when it next needs to run (ms epoch), or Infinity. */
  constructor(private readonly pass: () => number) {}

  /** Coalesces a burst of changes into one pass. */
  schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.stopped) this.run();
    });
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private run(): void {
    const wakeAt = this.pass();
    clearTimeout(this.timer);
    if (wakeAt !== Infinity && !this.stopped) {
      this.timer = setTimeout(() => this.schedule(), Math.max(0, wakeAt - Date.now()) + 1);
      this.timer.unref();
    }
  }
}
