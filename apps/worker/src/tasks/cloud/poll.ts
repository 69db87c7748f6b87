/**
 * Delay before the next look at a rollout: quick at first (a small rollout is up in seconds),
 * doubling up to 5 s (a long one needs no hammering of the cloud API).
 */
export const FIRST_POLL_MS = 250;
export const MAX_POLL_MS = 5_000;

export function pollDelayMs(polls: number): number {
  return Math.min(MAX_POLL_MS, FIRST_POLL_MS * 2 ** Math.max(0, Math.min(polls, 10)));
}

/** The next poll's delay, never past the deadline (so a timeout is noticed on time). */
export function nextPollMs(polls: number, remainingMs: number): number {
  return Math.max(1, Math.min(pollDelayMs(polls), remainingMs));
}

/** Soon after acting, to see the effect: the next run moves on, or repeats an idempotent call. */
export const ACT_AGAIN_MS = 200;

/**
 * What is left of `timeoutMs`, counted from the task's first run: the engine keeps that across
 * crashes, so a resumed worker does not grant a fresh timeout.
 */
export function timeLeftMs(task: { startTime: Date }, timeoutMs: number): number {
  return task.startTime.getTime() + timeoutMs - Date.now();
}

/** How long a deleted group may take to disappear from the provider's view before the task gives up. */
export const DESTROY_TIMEOUT_MS = 10 * 60_000;
