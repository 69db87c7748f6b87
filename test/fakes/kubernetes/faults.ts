/** Test-controlled failures, answered before routing, so any path (discovery too) can fail. */
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
  private readonly faults: { spec: FaultSpec; remaining: number }[] = [];

  add(spec: FaultSpec): void {
    if (!Number.isInteger(spec.times) || spec.times < 1) throw new Error('injectFault: times must be a positive integer');
    this.faults.push({ spec, remaining: spec.times });
  }

  /** The error for this request, consuming one use of the first matching fault. */
  take(method: string, path: string): KubeError | undefined {
    const index = this.faults.findIndex(({ spec }) => {
      spec.pathPattern.lastIndex = 0; // a /g pattern keeps state between test() calls
      return (spec.method === undefined || spec.method.toUpperCase() === method) && spec.pathPattern.test(path);
    });
    const fault = this.faults[index];
    if (!fault) return undefined;
    fault.remaining--;
    if (fault.remaining === 0) this.faults.splice(index, 1);
    return faultError(fault.spec.status, fault.spec.message);
  }

  clear(): void {
    this.faults.length = 0;
  }
}
