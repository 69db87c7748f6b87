/** Test-controlled failures, answered before routing so that any call (operations too) can fail. */
import { HttpFaultInjector, type HttpFaultSpec } from '../faultSchedule';
import { backendError, faultError, rateLimitExceeded, type FaultStatus, type GcpError } from './errors';

export interface FaultSpec extends HttpFaultSpec {
  status: FaultStatus;
  /** `errors[0].reason`; GCE's usual reason for the status when absent. */
  reason?: string;
  message?: string;
}

/** Injected faults answer their status; an interruption a 503 backendError, throttling a 429 rateLimitExceeded. */
export class FaultInjector extends HttpFaultInjector<FaultSpec, GcpError> {
  constructor() {
    super({
      injected: (spec) => faultError(spec.status, spec.reason, spec.message),
      interrupted: () => backendError(),
      throttled: () => rateLimitExceeded(),
    });
  }
}
