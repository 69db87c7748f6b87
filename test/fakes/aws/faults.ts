/**
 * Test-controlled failures, answered before an action runs (so nothing changes): explicit faults
 * by action, plus the throttle rate and one-shot interruption every fake offers.
 */
import { FaultSchedule } from '../faultSchedule';
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
  readonly schedule = new FaultSchedule();

  add(spec: FaultSpec): void {
    const times = spec.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new Error('injectFault: times must be a positive integer');
    const status = spec.status ?? 400;
    if (!Number.isInteger(status) || status < 400 || status > 599) throw new Error('injectFault: status must be an HTTP error status (400-599)');
    this.faults.push({ spec, remaining: times });
  }

  clear(): void {
    this.faults.length = 0;
    this.schedule.clear();
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
    switch (this.schedule.next()) {
      case 'interrupt':
        return new AwsError(service.internalErrorCode, 'An internal error has occurred (interrupted by the fake)', 500);
      case 'throttle':
        return new AwsError(service.throttleCode, service.name === 'ec2' ? 'Request limit exceeded.' : 'Rate exceeded', service.throttleStatus);
      default:
        return undefined;
    }
  }
}
