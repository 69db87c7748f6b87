/** Test-controlled failures, answered before routing, so any path (discovery too) can fail. */
import { CountedFaults, FaultSchedule, matchesRequest } from '../faultSchedule';
import { faultError, type KubeError } from './status';

export interface FaultSpec {
  /** Any method when absent. */
  method?: string;
  /** Tested against the path without the query string. */
  pathPattern: RegExp;
  status: 403 | 409 | 429 | 500 | 503;
  /** How many matching requests fail; later ones go through. */
  times: number;
  message?: string;
}

export class FaultInjector {
  private readonly faults = new CountedFaults<FaultSpec>();
  private readonly schedule = new FaultSchedule();

  /** This share (0..1) of the requests that no explicit fault matches answers 429. */
  setThrottleRate(rate: number): void {
    this.schedule.setThrottleRate(rate);
  }

  /** After `calls` more requests go through, the next one fails once with a 500. */
  interruptAfter(calls: number): void {
    this.schedule.interruptAfter(calls);
  }

  add(spec: FaultSpec): void {
    this.faults.add(spec, spec.times);
  }

  /** The error for this request, consuming one use of the first matching fault. */
  take(method: string, path: string): KubeError | undefined {
    const fault = this.faults.take((spec) => matchesRequest(spec, method, path));
    if (fault) return faultError(fault.status, fault.message);
    switch (this.schedule.next()) {
      case 'interrupt':
        return faultError(500, 'Internal error occurred: interrupted by the fake');
      case 'throttle':
        return faultError(429, undefined);
      case undefined:
        return undefined;
    }
  }

  clear(): void {
    this.faults.clear();
    this.schedule.clear();
  }
}
