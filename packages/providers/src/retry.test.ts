import { describe, expect, it } from 'vitest';
import { ProviderError, type ProviderErrorKind } from './errors';
import { reportRetry, retryDelayMs, shouldRetry, watchRetries, withRetry, type RetryEvent, type RetryOptions } from './retry';

function failure(kind: ProviderErrorKind, retryAfterMs?: number): ProviderError {
  return new ProviderError({ kind, provider: 'kubernetes', operation: 'resize', account: 'k8s', reason: `${kind} for the test`, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
}

/** Fails with the given errors in turn, then answers 'done'. */
function script(...errors: Error[]) {
  let calls = 0;
  const fn = async () => {
    const error = errors[calls++];
    if (error !== undefined) throw error;
    return 'done';
  };
  return { fn, calls: () => calls };
}

function options(overrides: Partial<RetryOptions> = {}): RetryOptions & { waits: number[] } {
  const waits: number[] = [];
  return {
    attempts: 4,
    baseDelayMs: 100,
    maxDelayMs: 1_000,
    random: () => 0.5,
    sleep: async (ms) => {
      waits.push(ms);
    },
    waits,
    ...overrides,
  };
}

describe('retryDelayMs', () => {
  const base = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1_000 };

  it('doubles from the base with equal jitter, capped at the maximum', () => {
    expect(retryDelayMs(1, undefined, { ...base, random: () => 0 })).toBe(50);
    expect(retryDelayMs(1, undefined, { ...base, random: () => 0.999999 })).toBe(100);
    expect(retryDelayMs(3, undefined, { ...base, random: () => 0 })).toBe(200);
    expect(retryDelayMs(10, undefined, { ...base, random: () => 0 })).toBe(500);
    expect(retryDelayMs(10, undefined, { ...base, random: () => 0.999999 })).toBe(1_000);
  });

  it('waits at least Retry-After, and does not hold a worker for longer than the maximum', () => {
    expect(retryDelayMs(1, 800, { ...base, random: () => 0 })).toBe(800);
    expect(retryDelayMs(1, 10, { ...base, random: () => 0 })).toBe(50);
    expect(retryDelayMs(1, 5_000, base)).toBeUndefined();
  });
});

describe('withRetry', () => {
  it('retries Throttled and Transient, then succeeds', async () => {
    const run = script(failure('Transient'), failure('Throttled', 300));
    const opts = options();
    await expect(withRetry(run.fn, opts)).resolves.toBe('done');
    expect(run.calls()).toBe(3);
    expect(opts.waits).toEqual([75, 300]);
  });

  it('does not retry NotFound, Fatal or errors that are not provider errors', async () => {
    for (const error of [failure('NotFound'), failure('Fatal'), new TypeError('bug')]) {
      const run = script(error);
      await expect(withRetry(run.fn, options())).rejects.toBe(error);
      expect(run.calls()).toBe(1);
    }
  });

  it('retries Conflict only when the operation re-reads', async () => {
    const conflict = failure('Conflict');
    const once = script(conflict);
    await expect(withRetry(once.fn, options())).rejects.toBe(conflict);
    expect(once.calls()).toBe(1);
    const rereads = script(failure('Conflict'));
    await expect(withRetry(rereads.fn, options({ retryConflicts: true }))).resolves.toBe('done');
    expect(rereads.calls()).toBe(2);
  });

  it('gives up after the attempts with the last error', async () => {
    const last = failure('Transient');
    const run = script(failure('Transient'), failure('Transient'), last, failure('Transient'));
    const opts = options({ attempts: 3 });
    await expect(withRetry(run.fn, opts)).rejects.toBe(last);
    expect(run.calls()).toBe(3);
    expect(opts.waits).toHaveLength(2);
  });

  it('hands a long Retry-After to the caller instead of sleeping', async () => {
    const throttled = failure('Throttled', 60_000);
    const run = script(throttled);
    const opts = options();
    await expect(withRetry(run.fn, opts)).rejects.toBe(throttled);
    expect(opts.waits).toEqual([]);
  });

  it('reports each retry', async () => {
    const events: number[] = [];
    const run = script(failure('Transient'));
    await withRetry(run.fn, options({ onRetry: (event) => events.push(event.attempt) }));
    expect(events).toEqual([1]);
  });

  it('classifies', () => {
    expect(shouldRetry(failure('Transient'), {})).toBe(true);
    expect(shouldRetry(failure('Conflict'), {})).toBe(false);
    expect(shouldRetry(failure('Conflict'), { retryConflicts: true })).toBe(true);
    expect(shouldRetry(new Error('x'), { retryConflicts: true })).toBe(false);
    expect(shouldRetry(failure('Transient'), { onlyKinds: ['Throttled'] })).toBe(false);
    expect(shouldRetry(failure('Throttled'), { onlyKinds: ['Throttled'] })).toBe(true);
  });
});

describe('watchRetries', () => {
  it('tells the watcher of every retry inside the call, nested ones and reported ones included', async () => {
    const seen: string[] = [];
    const watcher = (event: RetryEvent) => seen.push(`${event.error.kind} ${event.attempt}`);
    const inner = script(failure('Throttled'));
    const outer = script(failure('Transient'));
    await watchRetries(watcher, async () => {
      await withRetry(outer.fn, options());
      await withRetry(inner.fn, options());
      reportRetry({ attempt: 1, delayMs: 5, error: failure('Throttled') });
    });
    expect(seen).toEqual(['Transient 1', 'Throttled 1', 'Throttled 1']);
    // Outside a watched call nobody is told, and nothing fails.
    await withRetry(script(failure('Throttled')).fn, options());
    expect(seen).toHaveLength(3);
  });
});
