/**
 * The scheduled failures every fake offers besides explicit faults: a throttle rate and a one-shot
 * interruption after N more calls. Each fake turns the verdict into its own wire error.
 */
export type ScheduledFault = 'interrupt' | 'throttle';

export class FaultSchedule {
  private throttleRate = 0;
  /** Calls still to let through before one is interrupted; undefined: none pending. */
  private interruptIn: number | undefined;

  /** This share (0..1) of the calls no explicit fault matches is throttled. */
  setThrottleRate(rate: number): void {
    if (!(rate >= 0 && rate <= 1)) throw new Error('setThrottleRate: rate must be between 0 and 1');
    this.throttleRate = rate;
  }

  /** After `calls` more calls go through, the next one fails once. */
  interruptAfter(calls: number): void {
    if (!Number.isInteger(calls) || calls < 0) throw new Error('interruptAfter: calls must be a non-negative integer');
    this.interruptIn = calls;
  }

  clear(): void {
    this.throttleRate = 0;
    this.interruptIn = undefined;
  }

  /** What happens to the next call that no explicit fault matched. */
  next(): ScheduledFault | undefined {
    if (this.interruptIn !== undefined) {
      if (this.interruptIn === 0) {
        this.interruptIn = undefined;
        return 'interrupt';
      }
      this.interruptIn--;
    }
    return this.throttleRate > 0 && Math.random() < this.throttleRate ? 'throttle' : undefined;
  }
}
