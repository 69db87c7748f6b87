import { AsyncLocalStorage } from 'node:async_hooks';
import { isProviderError, type ProviderError, type ProviderErrorKind } from './errors';

export interface RetryOptions {
  /** Total tries, the first included (1 = no retry). */
  attempts: number;
  baseDelayMs: number;
  /**
   * Longest single wait. A Retry-After longer than this is not waited for: the error goes to the
   * engine, which reschedules the task instead of holding a worker (no worker sleeps:
   * docs/architecture.md "Crash safety").
   */
  maxDelayMs: number;
  /**
   * Also retry Conflict. Only for operations that re-read the resource on every call, so a retry
   * re-applies the change to the fresh version instead of repeating a stale write.
   */
  retryConflicts?: boolean;
  /** Retry only errors of these kinds (e.g. a client resending just the requests the API throttled). */
  onlyKinds?: readonly ProviderErrorKind[];
  /** [0, 1); injected by tests. */
  random?: () => number;
  /** Injected by tests. */
  sleep?: (ms: number) => Promise<void>;
  /** Told before each wait, for logs and metrics. */
  onRetry?: (event: RetryEvent) => void;
}

export interface RetryEvent {
  /** The attempt that failed, from 1. */
  attempt: number;
  delayMs: number;
  error: ProviderError;
}

export const DEFAULT_RETRY_OPTIONS: RetryOptions = { attempts: 5, baseDelayMs: 200, maxDelayMs: 5_000 };

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Requests a provider resends inside one call cannot see the caller; the async context can. */
const retryWatchers = new AsyncLocalStorage<(event: RetryEvent) => void>();

/**
 * Runs `call` so that every retry made inside it is told to `watcher`: the whole-call retries of
 * RetryingProvider and a provider's own resends of single throttled requests alike, however deep
 * (the engine audits them per task this way).
 */
export function watchRetries<T>(watcher: (event: RetryEvent) => void, call: () => Promise<T>): Promise<T> {
  return retryWatchers.run(watcher, call);
}

/** Tells the watcher of the current call (if any) about a retry made outside withRetry. */
export function reportRetry(event: RetryEvent): void {
  retryWatchers.getStore()?.(event);
}

/** How providers resend one request the API throttled: it was refused, so sending it again is safe. */
export const THROTTLED_REQUEST_RETRY: RetryOptions = { attempts: 4, baseDelayMs: 100, maxDelayMs: 1_000, onlyKinds: ['Throttled'] };

/** Whether this error is worth another try under these options. */
export function shouldRetry(error: unknown, options: Pick<RetryOptions, 'retryConflicts' | 'onlyKinds'>): error is ProviderError {
  if (!isProviderError(error)) return false;
  if (options.onlyKinds !== undefined) return options.onlyKinds.includes(error.kind);
  return error.retryable || (error.kind === 'Conflict' && options.retryConflicts === true);
}

/**
 * The wait before the next try: exponential from baseDelayMs, capped at maxDelayMs, with "equal
 * jitter" (half fixed, half random) so that many workers hitting the same throttled API spread out
 * without any of them retrying immediately. A Retry-After is a floor. Undefined: do not wait that
 * long here (see RetryOptions.maxDelayMs).
 */
export function retryDelayMs(failedAttempt: number, retryAfterMs: number | undefined, options: RetryOptions): number | undefined {
  const random = options.random ?? Math.random;
  const exponential = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (failedAttempt - 1));
  const jittered = exponential / 2 + random() * (exponential / 2);
  if (retryAfterMs === undefined) return Math.round(jittered);
  if (retryAfterMs > options.maxDelayMs) return undefined;
  return Math.round(Math.max(jittered, retryAfterMs));
}

/**
 * Runs `fn`, retrying Throttled and Transient provider errors (and Conflict when allowed) with
 * jittered exponential backoff. Anything else, and the last error, is thrown unchanged.
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions = DEFAULT_RETRY_OPTIONS): Promise<T> {
  const sleep = options.sleep ?? realSleep;
  const attempts = Math.max(1, Math.floor(options.attempts));
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= attempts || !shouldRetry(error, options)) throw error;
      const delayMs = retryDelayMs(attempt, error.retryAfterMs, options);
      if (delayMs === undefined) throw error;
      const event = { attempt, delayMs, error };
      options.onRetry?.(event);
      reportRetry(event);
      await sleep(delayMs);
    }
  }
}
