export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Thrown when a benchmark phase overruns its bound; the runner records it as a failed result. */
export class PhaseTimeout extends Error {
  constructor(phase: string, timeoutMs: number, progress: string) {
    super(`${phase} did not finish within ${Math.round(timeoutMs / 1000)} s (${progress})`);
    this.name = 'PhaseTimeout';
  }
}

/**
 * Polls `check` until it reports done. Each benchmark phase is bounded this way, so a stuck engine
 * fails the run instead of hanging it on a 2-core machine.
 */
export async function pollUntil<T extends { done: boolean; progress: string }>(
  phase: string,
  check: () => Promise<T>,
  options: { timeoutMs: number; intervalMs: number },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const state = await check();
    if (state.done) return state;
    if (Date.now() > deadline) throw new PhaseTimeout(phase, options.timeoutMs, state.progress);
    await sleep(options.intervalMs);
  }
}

/** Runs `work` over `items` with at most `width` in flight: bounded load on the API / database. */
export async function forEachLimited<T>(items: readonly T[], width: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(width, items.length)) }, async () => {
    for (;;) {
      const index = next++;
      const item = items[index];
      if (index >= items.length || item === undefined) return;
      await work(item, index);
    }
  });
  await Promise.all(lanes);
}
