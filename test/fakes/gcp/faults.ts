/** Test-controlled failures, answered before routing so that any call (operations too) can fail. */
import { FaultSchedule } from '../faultSchedule';
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
  private readonly faults: { spec: FaultSpec; remaining: number }[] = [];
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
    if (!Number.isInteger(spec.times) || spec.times < 1) throw new Error('injectFault: times must be a positive integer');
    this.faults.push({ spec, remaining: spec.times });
  }

  /** The error for this request, consuming one use of the first matching fault. */
  take(method: string, path: string): GcpError | undefined {
    const index = this.faults.findIndex(({ spec }) => {
      spec.pathPattern.lastIndex = 0; // a /g pattern keeps state between test() calls
      return (spec.method === undefined || spec.method.toUpperCase() === method) && spec.pathPattern.test(path);
    });
    const fault = this.faults[index];
    if (fault) {
      fault.remaining--;
      if (fault.remaining === 0) this.faults.splice(index, 1);
      return faultError(fault.spec.status, fault.spec.reason, fault.spec.message);
    }
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
    this.faults.length = 0;
    this.schedule.clear();
  }
}
