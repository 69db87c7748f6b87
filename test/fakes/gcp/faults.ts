/** Test-controlled failures, answered before routing so that any call (operations too) can fail. */
import { CountedFaults, FaultSchedule, matchesRequest } from '../faultSchedule';
import { backendError, faultError, rateLimitExceeded, type FaultStatus, type GcpError } from './errors';

export interface FaultSpec {
  /** Any method when absent. */
  method?: string;
  /** Tested against the path without the query string. */
  pathPattern: RegExp;
  status: FaultStatus;
  /** How many matching requests fail; later ones go through. */
  times: number;
  /** `errors[0].reason`; GCE's usual reason for the status when absent. */
  reason?: string;
  message?: string;
}

export class FaultInjector {
  private readonly faults = new CountedFaults<FaultSpec>();
  private readonly schedule = new FaultSchedule();

  /** This share (0..1) of the requests that no explicit fault matches answers 429 rateLimitExceeded. */
  setThrottleRate(rate: number): void {
    this.schedule.setThrottleRate(rate);
  }

  /** After `calls` more requests go through, the next one fails once with a 503 backendError. */
  interruptAfter(calls: number): void {
    this.schedule.interruptAfter(calls);
  }

  add(spec: FaultSpec): void {
    this.faults.add(spec, spec.times);
  }

  /** The error for this request, consuming one use of the first matching fault. */
  take(method: string, path: string): GcpError | undefined {
    const fault = this.faults.take((spec) => matchesRequest(spec, method, path));
    if (fault) return faultError(fault.status, fault.reason, fault.message);
    switch (this.schedule.next()) {
      case 'interrupt':
        return backendError();
      case 'throttle':
        return rateLimitExceeded();
      case undefined:
        return undefined;
    }
  }

  clear(): void {
    this.faults.clear();
    this.schedule.clear();
  }
}
