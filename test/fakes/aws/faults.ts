/**
 * Test-controlled failures, answered before an action runs (so nothing changes): explicit faults
 * by action, plus the throttle rate and one-shot interruption every fake offers.
 */
import { FaultInjector } from '../faultSchedule';
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

interface AwsCall {
  service: ServiceProtocol;
  action: string;
}

export class AwsFaultInjector extends FaultInjector<FaultSpec, AwsCall, AwsError> {
  constructor() {
    super({
      matches: (spec, { service, action }) => (spec.action === undefined || spec.action === action) && (spec.service === undefined || spec.service === service.name),
      injected: (fault) => new AwsError(fault.code, fault.message ?? `Injected fault: ${fault.code}`, fault.status ?? 400),
      interrupted: ({ service }) => new AwsError(service.internalErrorCode, 'An internal error has occurred (interrupted by the fake)', 500),
      throttled: ({ service }) => new AwsError(service.throttleCode, service.name === 'ec2' ? 'Request limit exceeded.' : 'Rate exceeded', service.throttleStatus),
    });
  }

  override add(spec: FaultSpec): void {
    const status = spec.status ?? 400;
    if (!Number.isInteger(status) || status < 400 || status > 599) throw new Error('injectFault: status must be an HTTP error status (400-599)');
    super.add(spec);
  }
}
