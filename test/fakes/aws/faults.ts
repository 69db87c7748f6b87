/**
 * Test-controlled failures, answered before an action runs (so nothing changes): explicit faults
 * by action, a throttle rate, and a one-shot interruption, as the Kubernetes fake offers.
 */
import { AwsError } from './protocol/errors';
import type { ServiceName, ServiceProtocol } from './protocol/services';

export interface FaultSpec {
  /** Any action when absent, e.g. `CreateAutoScalingGroup`. */
  action?: string;
  /** Any service when absent. */
  service?: ServiceName;
  /** The error code answered, e.g. `Throttling`, `ResourceContention`, `InternalError`. */
  code: string;
  /** HTTP status; 400 by default. */
  status?: number;
  /** How many matching calls fail (1 by default); later ones go through. */
  times?: number;
  message?: string;
}

export class FaultInjector {
  private readonly faults: { spec: FaultSpec; remaining: number }[] = [];
  private throttleRate = 0;
  /** Calls still to let through before one fails with a 500; undefined: none pending. */
  private interruptIn: number | undefined;

  /** This share (0..1) of calls no explicit fault matches is throttled. */
  setThrottleRate(rate: number): void {
    if (!(rate >= 0 && rate <= 1)) throw new Error('setThrottleRate: rate must be between 0 and 1');
    this.throttleRate = rate;
  }

  /** After `calls` more calls go through, the next one fails once with a 500. */
  interruptAfter(calls: number): void {
    if (!Number.isInteger(calls) || calls < 0) throw new Error('interruptAfter: calls must be a non-negative integer');
    this.interruptIn = calls;
  }

  add(spec: FaultSpec): void {
    const times = spec.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new Error('injectFault: times must be a positive integer');
    const status = spec.status ?? 400;
    if (!Number.isInteger(status) || status < 400 || status > 599) throw new Error('injectFault: status must be an HTTP error status (400-599)');
    this.faults.push({ spec, remaining: times });
  }

  clear(): void {
    this.faults.length = 0;
    this.throttleRate = 0;
    this.interruptIn = undefined;
  }

  /** The error for this call, consuming one use of the first matching fault. */
  take(service: ServiceProtocol, action: string): AwsError | undefined {
    const index = this.faults.findIndex(({ spec }) => (spec.action === undefined || spec.action === action) && (spec.service === undefined || spec.service === service.name));
    const fault = this.faults[index];
    if (fault) {
      fault.remaining--;
      if (fault.remaining === 0) this.faults.splice(index, 1);
      return new AwsError(fault.spec.code, fault.spec.message ?? `Injected fault: ${fault.spec.code}`, fault.spec.status ?? 400);
    }
    if (this.interruptIn !== undefined) {
      if (this.interruptIn === 0) {
        this.interruptIn = undefined;
        return new AwsError(service.internalErrorCode, 'An internal error has occurred (interrupted by the fake)', 500);
      }
      this.interruptIn--;
    }
    if (this.throttleRate > 0 && Math.random() < this.throttleRate) {
      return new AwsError(service.throttleCode, service.name === 'ec2' ? 'Request limit exceeded.' : 'Rate exceeded', 400);
    }
    return undefined;
  }
}
