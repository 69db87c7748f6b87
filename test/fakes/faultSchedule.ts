/**
 * The failures every fake offers: explicit faults a test injects, a throttle rate and a one-shot
 * interruption after N more calls. Each fake turns the verdict into its own wire error.
 */
type ScheduledFault = 'interrupt' | 'throttle';

class FaultSchedule {
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
class CountedFaults<Spec> {
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

/** How a fake matches its explicit faults to a call, and words each failure on its wire. */
export interface FaultWire<Spec, Call, WireError> {
  matches(spec: Spec, call: Call): boolean;
  injected(spec: Spec): WireError;
  /** The one-shot failure of interruptAfter. */
  interrupted(call: Call): WireError;
  throttled(call: Call): WireError;
}

/** A fake's faults: explicit ones a test injected first, then the schedule. */
export class FaultInjector<Spec extends { times?: number }, Call, WireError> {
  private readonly faults = new CountedFaults<Spec>();
  private readonly schedule = new FaultSchedule();

  constructor(private readonly wire: FaultWire<Spec, Call, WireError>) {}

  setThrottleRate(rate: number): void {
    this.schedule.setThrottleRate(rate);
  }

  interruptAfter(calls: number): void {
    this.schedule.interruptAfter(calls);
  }

  /** Fails the next `spec.times` (1 when absent) matching calls. */
  add(spec: Spec): void {
    this.faults.add(spec, spec.times ?? 1);
  }

  /** The error for this call, consuming one use of the first matching fault. */
  take(call: Call): WireError | undefined {
    const fault = this.faults.take((spec) => this.wire.matches(spec, call));
    if (fault) return this.wire.injected(fault);
    switch (this.schedule.next()) {
      case 'interrupt':
        return this.wire.interrupted(call);
      case 'throttle':
        return this.wire.throttled(call);
      case undefined:
        return undefined;
    }
  }

  clear(): void {
    this.faults.clear();
    this.schedule.clear();
  }
}

export interface HttpCall {
  /** Upper case. */
  method: string;
  /** Without the query string. */
  path: string;
}

export interface HttpFaultSpec {
  /** Any method when absent. */
  method?: string;
  /** Tested against the path without the query string. */
  pathPattern: RegExp;
  /** How many matching requests fail; later ones go through. */
  times: number;
}

/** Whether an HTTP fault (method, path pattern) matches this request. */
function matchesRequest(spec: HttpFaultSpec, { method, path }: HttpCall): boolean {
  spec.pathPattern.lastIndex = 0; // a /g pattern keeps state between test() calls
  return (spec.method === undefined || spec.method.toUpperCase() === method) && spec.pathPattern.test(path);
}

/** The faults of an HTTP fake, matched by method and path. */
export class HttpFaultInjector<Spec extends HttpFaultSpec, WireError> extends FaultInjector<Spec, HttpCall, WireError> {
  constructor(errors: Omit<FaultWire<Spec, HttpCall, WireError>, 'matches'>) {
    super({ ...errors, matches: matchesRequest });
  }
}
