/** Test-controlled failures, answered before routing, so any path (discovery too) can fail. */
import { HttpFaultInjector, type HttpFaultSpec } from '../faultSchedule';
import { faultError, type KubeError } from './status';

export interface FaultSpec extends HttpFaultSpec {
  status: 403 | 409 | 429 | 500 | 503;
  message?: string;
}

/** Injected faults answer their status; an interruption a 500, throttling a 429 with Retry-After. */
export class FaultInjector extends HttpFaultInjector<FaultSpec, KubeError> {
  constructor() {
    super({
      injected: (spec) => faultError(spec.status, spec.message),
      interrupted: () => faultError(500, 'Internal error occurred: interrupted by the fake'),
      throttled: () => faultError(429, undefined),
    });
  }
}
