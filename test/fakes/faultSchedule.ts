/**
 * The failures every fake offers: explicit faults a test injects, a throttle rate and a one-shot
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

/** Explicit faults a test injected, each failing its next `times` matching calls. */
export class CountedFaults<Spec> {
  private readonly faults: { spec: Spec; remaining: number }[] = [];

  add(spec: Spec, times: number): void {
    if (!Number.isInteger(times) || times < 1) throw new Error('injectFault: times must be a positive integer');
    this.faults.push({ spec, remaining: times });
  }

  /** The first fault this call matches, consuming one of its uses. */
  take(matches: (spec: Spec) => boolean): Spec | undefined {
    const index = this.faults.findIndex(({ spec }) => matches(spec));
    const fault = this.faults[index];
    if (!fault) return undefined;
    fault.remaining--;
    if (fault.remaining === 0) this.faults.splice(index, 1);
    return fault.spec;
  }

  clear(): void {
    this.faults.length = 0;
  }
}

/** Whether an HTTP fault (method, path pattern) matches this request. */
function matchesRequest(spec: { method?: string; pathPattern: RegExp }, method: string, path: string): boolean {
  spec.pathPattern.lastIndex = 0; // a /g pattern keeps state between test() calls
  return (spec.method === undefined || spec.method.toUpperCase() === method) && spec.pathPattern.test(path);
}

export interface HttpFaultSpec {
  /** Any method when absent. */
  method?: string;
  /** Tested against the path without the query string. */
  pathPattern: RegExp;
  /** How many matching requests fail; later ones go through. */
  times: number;
}

/** How a fake words each failure on its wire. */
export interface FaultErrors<Spec, WireError> {
  injected(spec: Spec): WireError;
  /** The one-shot failure of interruptAfter. */
  interrupted(): WireError;
  throttled(): WireError;
}

/** The faults of an HTTP fake matched by method and path: explicit ones first, then the schedule. */
export class HttpFaultInjector<Spec extends HttpFaultSpec, WireError> {
  private readonly faults = new CountedFaults<Spec>();
  private readonly schedule = new FaultSchedule();

  constructor(private readonly errors: FaultErrors<Spec, WireError>) {}

  setThrottleRate(rate: number): void {
    this.schedule.setThrottleRate(rate);
  }

  interruptAfter(calls: number): void {
    this.schedule.interruptAfter(calls);
  }

  add(spec: Spec): void {
    this.faults.add(spec, spec.times);
  }

  /** The error for this request, consuming one use of the first matching fault. */
  take(method: string, path: string): WireError | undefined {
    const fault = this.faults.take((spec) => matchesRequest(spec, method, path));
    if (fault) return this.errors.injected(fault);
    switch (this.schedule.next()) {
      case 'interrupt':
        return this.errors.interrupted();
      case 'throttle':
        return this.errors.throttled();
      case undefined:
        return undefined;
    }
  }

  clear(): void {
    this.faults.clear();
    this.schedule.clear();
  }
}
