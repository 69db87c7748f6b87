import { Counter } from 'prom-client';
import { TooManyFailedSignInsError } from '../errors/TooManyFailedSignInsError';

/** How many invalid credentials one source address may send per window before it must wait. */
export interface SignInLimits {
  /** Failures per window per address; 0 turns the throttle off (failures are still logged and counted). */
  maxFailures: number;
  windowMs: number;
}

export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = { maxFailures: 10, windowMs: 5 * 60_000 };

/** What was wrong with a refused credential, for the metric (a bounded label). */
export type SignInFailureKind = 'api-token' | 'oidc' | 'malformed';

// Labels are bounded: never an address or a name.
const failuresCounter = new Counter({
  name: 'gantry_auth_failures_total',
  help: 'Requests refused because their credential was invalid (unknown, revoked or expired API token; refused OIDC token; malformed header)',
  labelNames: ['kind'],
});
const throttledCounter = new Counter({
  name: 'gantry_auth_throttled_total',
  help: 'Requests refused with 429 because their source address sent too many invalid credentials',
});

// Beyond this many tracked addresses, the ones whose window has passed are dropped on the next failure.
const PRUNE_ABOVE = 10_000;

/**
 * Failed sign-in accounting: a brute force of tokens from one address is slowed to `maxFailures`
 * guesses per window, after which every credentialed request from that address is answered 429
 * with Retry-After until the window ends (a valid token included, so the answer reveals nothing).
 * Counted per source address only: a failed credential proves no principal, and counting by the
 * name it claims would let anyone lock that name out. Per process, like the rate limit.
 */
export class FailedSignIns {
  private readonly byAddress = new Map<string, { failures: number; windowEndsAt: number }>();

  constructor(
    private readonly limits: SignInLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** Throws TooManyFailedSignInsError while `address` is over its budget. */
  check(address: string): void {
    if (this.limits.maxFailures === 0) return;
    const entry = this.byAddress.get(address);
    if (entry === undefined) return;
    const now = this.now();
    if (now >= entry.windowEndsAt) {
      this.byAddress.delete(address);
      return;
    }
    if (entry.failures >= this.limits.maxFailures) {
      throttledCounter.inc();
      throw new TooManyFailedSignInsError(entry.failures, Math.max(1, Math.ceil((entry.windowEndsAt - now) / 1000)));
    }
  }

  /** Counts one refused credential from `address`; answers how many it sent in the current window. */
  record(address: string, kind: SignInFailureKind): number {
    failuresCounter.inc({ kind });
    const now = this.now();
    if (this.byAddress.size > PRUNE_ABOVE) {
      for (const [key, value] of this.byAddress) if (now >= value.windowEndsAt) this.byAddress.delete(key);
    }
    const entry = this.byAddress.get(address);
    if (entry === undefined || now >= entry.windowEndsAt) {
      this.byAddress.set(address, { failures: 1, windowEndsAt: now + this.limits.windowMs });
      return 1;
    }
    entry.failures += 1;
    return entry.failures;
  }
}
